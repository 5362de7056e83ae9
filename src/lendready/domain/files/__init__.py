"""Case files and forecasts from outside: reading, refusing, migrating and saving them safely."""
