"""Teaching: the sample cases, the exercise (predict, reveal, score) and the teaching texts."""
