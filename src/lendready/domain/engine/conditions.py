"""The safe condition language used by rules, skip logic and constraints.

Conditions are written by a credit team in the resource files, so they must be
readable (``metric.dscr < param.dscr.red_below and org.years_trading < 3``) and
must never be able to run code. The text is parsed by Python's own parser into a
syntax tree, every node is checked against a short allow-list, every name is
resolved against the questionnaire, the metrics and the parameters, and the tree
is compiled once into plain closures. Nothing is ever passed to ``eval``/``exec``.

Missing values follow three-valued (Kleene) logic: a comparison that touches an
unanswered question is *unknown* (``None``), ``and``/``or``/``not`` propagate
unknown the way SQL does, and a rule fires only on a definite ``True``. That is
how "a rule with unanswered inputs does not fire" falls out of the language
instead of being special-cased in every rule.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

Env = Mapping[str, Any]
Evaluator = Callable[[Env], Any]

MAX_CONDITION_LENGTH = 2000
MAX_DEPTH = 40


class ConditionError(ValueError):
    """A condition that cannot be accepted; the message says what is wrong."""


class Symbols(NamedTuple):
    """What names a condition may use.

    ``questions`` maps question id to its type, ``choices`` maps a choice or
    yes/no question to its allowed values (so a misspelt value is caught at load
    time), ``metrics`` and ``parameters`` are the names available after the
    ``metric.`` and ``param.`` prefixes. ``allow_value`` admits the bare name
    ``value`` (the answer being checked by a constraint).
    """

    questions: Mapping[str, str]
    choices: Mapping[str, frozenset[str]] = {}
    metrics: frozenset[str] = frozenset()
    parameters: Mapping[str, float] = {}
    allow_value: bool = False
    value_type: str | None = None
    findings: frozenset[str] = frozenset()
    """Rule ids a condition may test with ``finding.<rule id>`` (true when that rule fired)."""


class Comparison(NamedTuple):
    """One ``metric.x OP limit`` test inside a condition, with the metric on the left.

    A limit is a parameter (``parameter`` names it) or a number written in the
    rule. Readers of the rules (the key-figures table) take the limits a metric
    is judged by from here, never by reading the rule text again.
    """

    metric: str
    op: str
    """``<``, ``<=``, ``>`` or ``>=``."""
    parameter: str | None
    value: float


class Condition(NamedTuple):
    """A compiled condition and the names it reads (for traces and evidence)."""

    source: str
    evaluate: Evaluator
    questions: tuple[str, ...]
    metrics: tuple[str, ...]
    parameters: tuple[str, ...]
    comparisons: tuple[Comparison, ...] = ()
    findings: tuple[str, ...] = ()
    answer_limits: tuple[Comparison, ...] = ()
    """``question OP limit`` tests of a numeric answer, as Comparisons whose ``metric`` is the question
    id (loan sizing reads where the amount asked meets a limit, as it reads a figure's)."""

    def holds(self, env: Env) -> bool:
        """True only when the condition is definitely true (unknown is not true)."""
        return self.evaluate(env) is True


# Keys under which metrics, fired findings and the constraint's own value live in
# an Env, so they can never collide with a question id (question ids contain no colon).
METRIC_KEY = "metric:"
FINDING_KEY = "finding:"
VALUE_KEY = ":value"
_OP_TEXT = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}

_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_ARITH: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_FUNCTIONS = ("answered", "min", "max", "abs")
_NUMERIC_TYPES = frozenset({"integer", "number", "amount", "percent"})


def _dotted(node: ast.expr) -> str | None:
    """``org.years_trading`` parses as attribute access; turn it back into a name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _literal_number(node: ast.expr) -> float | None:
    """A number written in the condition (``3``, ``-0.5``), else None."""
    sign = 1.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        sign, node = -1.0, node.operand
    value = node.value if isinstance(node, ast.Constant) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return sign * float(value)
    return None


class _Compiler:
    def __init__(self, symbols: Symbols) -> None:
        self.symbols = symbols
        self.questions: list[str] = []
        self.metrics: list[str] = []
        self.parameters: list[str] = []
        self.comparisons: list[Comparison] = []
        self.answer_limits: list[Comparison] = []
        self.findings: list[str] = []

    # -- names ---------------------------------------------------------------
    def _reference(self, name: str) -> tuple[Evaluator, str | None, str | None]:
        """Return an evaluator, the value type, and the question id if any."""
        sym = self.symbols
        if name == "value" and sym.allow_value:
            return (lambda env: env.get(VALUE_KEY)), sym.value_type, None
        if name.startswith("param."):
            pid = name[len("param."):]
            if pid not in sym.parameters:
                raise ConditionError(f"unknown parameter '{pid}'")
            constant = sym.parameters[pid]
            if pid not in self.parameters:
                self.parameters.append(pid)
            return (lambda env: constant), "number", None
        if name.startswith("metric."):
            mid = name[len("metric."):]
            if mid not in sym.metrics:
                known = ", ".join(sorted(sym.metrics))
                raise ConditionError(f"unknown metric '{mid}' (known: {known})")
            if mid not in self.metrics:
                self.metrics.append(mid)
            key = METRIC_KEY + mid
            return (lambda env: env.get(key)), "number", None
        if name.startswith("finding."):
            rid = name[len("finding."):]
            if rid not in sym.findings:
                raise ConditionError(f"unknown finding '{rid}' (finding.* names a rule id, where allowed)")
            if rid not in self.findings:
                self.findings.append(rid)
            fkey = FINDING_KEY + rid
            return (lambda env: fkey in env), "bool", None
        if name in sym.questions:
            if name not in self.questions:
                self.questions.append(name)
            return (lambda env: env.get(name)), sym.questions[name], name
        raise ConditionError(f"unknown name '{name}' (not a question id, metric.* or param.*)")

    # -- nodes ---------------------------------------------------------------
    def compile(self, node: ast.expr, depth: int = 0) -> Evaluator:
        return self._compile(node, depth)[0]

    def _compile(self, node: ast.expr, depth: int) -> tuple[Evaluator, str | None, str | None]:
        if depth > MAX_DEPTH:
            raise ConditionError("condition is nested too deeply")
        d = depth + 1
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise ConditionError(f"constant {value!r} is not allowed (numbers and 'text' only)")
            return (lambda env: value), ("text" if isinstance(value, str) else "number"), None
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = _dotted(node)
            if name is None:
                raise ConditionError("only plain dotted names are allowed")
            return self._reference(name)
        if isinstance(node, ast.BoolOp):
            parts = [self.compile(v, d) for v in node.values]
            return (_kleene_and(parts) if isinstance(node.op, ast.And) else _kleene_or(parts)), "bool", None
        if isinstance(node, ast.UnaryOp):
            inner, kind, _ = self._compile(node.operand, d)
            if isinstance(node.op, ast.Not):
                return (lambda env: None if (v := inner(env)) is None else not v), "bool", None
            if isinstance(node.op, ast.USub):
                return (lambda env: None if (v := inner(env)) is None else -v), kind, None
            raise ConditionError("only 'not' and unary minus are allowed")
        if isinstance(node, ast.BinOp):
            op = _ARITH.get(type(node.op))
            if op is None:
                raise ConditionError("only + - * / are allowed in arithmetic")
            left = self.compile(node.left, d)
            right = self.compile(node.right, d)
            return _arith(op, left, right), "number", None
        if isinstance(node, ast.Compare):
            return self._compare(node, d), "bool", None
        if isinstance(node, ast.Call):
            return self._call(node, d)
        if isinstance(node, ast.IfExp):
            test = self.compile(node.test, d)
            body = self.compile(node.body, d)
            orelse = self.compile(node.orelse, d)

            def if_exp(env: Env) -> Any:
                t = test(env)
                if t is None:
                    return None
                return body(env) if t else orelse(env)

            return if_exp, None, None
        raise ConditionError(f"'{type(node).__name__}' is not allowed in a condition")

    def _literal_set(self, node: ast.expr) -> frozenset[Any]:
        if not isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            raise ConditionError("'in' needs a literal list such as (\"a\", \"b\")")
        values = []
        for elt in node.elts:
            if not isinstance(elt, ast.Constant) or isinstance(elt.value, bool):
                raise ConditionError("'in' lists may hold only numbers and 'text'")
            values.append(elt.value)
        return frozenset(values)

    def _check_choice(self, qid: str | None, values: frozenset[Any]) -> None:
        if qid is None or qid not in self.symbols.choices:
            return
        allowed = self.symbols.choices[qid]
        for v in values:
            if v not in allowed:
                raise ConditionError(
                    f"'{v}' is not a choice of {qid} (allowed: {', '.join(sorted(allowed))})"
                )

    def _compare(self, node: ast.Compare, depth: int) -> Evaluator:
        pairs: list[Evaluator] = []
        left_node = node.left
        left, _, left_q = self._compile(left_node, depth)
        for op_node, right_node in zip(node.ops, node.comparators):
            if isinstance(op_node, (ast.In, ast.NotIn)):
                members = self._literal_set(right_node)
                self._check_choice(left_q, members)
                pairs.append(_membership(left, members, isinstance(op_node, ast.NotIn)))
                left_node, left_q = right_node, None
                continue
            op = _COMPARE.get(type(op_node))
            if op is None:
                raise ConditionError("comparison must be one of == != < <= > >= in, not in")
            right, _, right_q = self._compile(right_node, depth)
            self._note_limit(left_node, op_node, right_node)
            if isinstance(right_node, ast.Constant):
                self._check_choice(left_q, frozenset([right_node.value]))
            if isinstance(left_node, ast.Constant):
                self._check_choice(right_q, frozenset([left_node.value]))
            constant = self._constant_number(right_node)
            pairs.append(_comparison(op, left, right) if constant is None else _against(op, left, constant))
            left, left_node, left_q = right, right_node, right_q
        return pairs[0] if len(pairs) == 1 else _kleene_and(pairs)

    def _constant_number(self, node: ast.expr) -> float | None:
        """The number a literal or a ``param.*`` stands for, known when the rules load; else None."""
        name = _dotted(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        if name and name.startswith("param."):
            return float(self.symbols.parameters[name[len("param."):]])
        return _literal_number(node)

    def _note_limit(self, left: ast.expr, op_node: ast.cmpop, right: ast.expr) -> None:
        """Remember ``metric.x OP param.y`` (or a number), either way round, as a Comparison; and
        the same of a numeric answer (``loan.amount > param.y``) as an answer limit."""
        op = _OP_TEXT.get(type(op_node))
        if op is None:
            return
        for mine, other, flipped in ((left, right, False), (right, left, True)):
            name = _dotted(mine) if isinstance(mine, (ast.Name, ast.Attribute)) else None
            if not name:
                continue
            if name.startswith("metric."):
                found, mid = self.comparisons, name[len("metric."):]
            elif self.symbols.questions.get(name) in _NUMERIC_TYPES:
                found, mid = self.answer_limits, name
            else:
                continue
            value = self._constant_number(other)
            if value is None:
                return
            other_name = _dotted(other) if isinstance(other, (ast.Name, ast.Attribute)) else None
            pid = other_name[len("param."):] if other_name and other_name.startswith("param.") else None
            limit = Comparison(mid, _FLIPPED[op] if flipped else op, pid, value)
            if limit not in found:
                found.append(limit)
            return

    def _call(self, node: ast.Call, depth: int) -> tuple[Evaluator, str | None, str | None]:
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
            raise ConditionError(f"only these functions are allowed: {', '.join(_FUNCTIONS)}")
        if node.keywords:
            raise ConditionError("functions take no keyword arguments")
        name = node.func.id
        if name == "answered":
            if len(node.args) != 1:
                raise ConditionError("answered() takes exactly one question id")
            inner = self.compile(node.args[0], depth + 1)
            return (lambda env: inner(env) is not None), "bool", None
        args = [self.compile(a, depth + 1) for a in node.args]
        if name == "abs":
            if len(args) != 1:
                raise ConditionError("abs() takes one argument")
            only = args[0]
            return (lambda env: None if (v := only(env)) is None else abs(v)), "number", None
        if len(args) < 2:
            raise ConditionError(f"{name}() takes two or more arguments")
        pick = min if name == "min" else max

        def extreme(env: Env) -> Any:
            values = [a(env) for a in args]
            if any(v is None for v in values):
                return None
            return pick(values)

        return extreme, "number", None


def _kleene(parts: list[Evaluator], decisive: bool) -> Evaluator:
    """``and`` (decisive=False) or ``or`` (decisive=True): a decisive part settles it at once;
    otherwise any unknown part leaves the whole unknown."""

    def evaluate(env: Env) -> bool | None:
        unknown = False
        for part in parts:
            v = part(env)
            if v is None:
                unknown = True
            elif bool(v) is decisive:
                return decisive
        return None if unknown else not decisive

    return evaluate


def _kleene_and(parts: list[Evaluator]) -> Evaluator:
    return _kleene(parts, decisive=False)


def _kleene_or(parts: list[Evaluator]) -> Evaluator:
    return _kleene(parts, decisive=True)


def _comparison(op: Callable[[Any, Any], bool], left: Evaluator, right: Evaluator) -> Evaluator:
    def evaluate(env: Env) -> bool | None:
        a = left(env)
        if a is None:
            return None
        b = right(env)
        if b is None:
            return None
        if _is_number(a) != _is_number(b):
            # A number compared with text (a table, a label) has no meaning.
            return None if op not in (operator.eq, operator.ne) else op is operator.ne
        try:
            return bool(op(a, b))
        except TypeError:
            return None

    return evaluate


def _against(op: Callable[[Any, Any], bool], left: Evaluator, number: float) -> Evaluator:
    """``_comparison`` with a number known when the rules load on the right (most thresholds)."""
    if op in (operator.eq, operator.ne):
        return _comparison(op, left, lambda env: number)

    def evaluate(env: Env) -> bool | None:
        a = left(env)
        if a is None or not _is_number(a):
            return None
        return bool(op(a, number))

    return evaluate


def _membership(left: Evaluator, members: frozenset[Any], negate: bool) -> Evaluator:
    def evaluate(env: Env) -> bool | None:
        a = left(env)
        if a is None:
            return None
        try:
            found = a in members
        except TypeError:  # unhashable, e.g. a table
            return None
        return not found if negate else found

    return evaluate


def _arith(op: Callable[[Any, Any], Any], left: Evaluator, right: Evaluator) -> Evaluator:
    def evaluate(env: Env) -> Any:
        a = left(env)
        b = right(env)
        if not (_is_number(a) and _is_number(b)):
            return None
        try:
            return op(a, b)
        except (ZeroDivisionError, OverflowError):
            return None

    return evaluate


def compile_condition(source: str, symbols: Symbols) -> Condition:
    """Parse, check and compile one condition; raise ConditionError with the reason."""
    if not isinstance(source, str) or not source.strip():
        raise ConditionError("condition is empty")
    if len(source) > MAX_CONDITION_LENGTH:
        raise ConditionError(f"condition is longer than {MAX_CONDITION_LENGTH} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"cannot parse: {exc.msg} (column {exc.offset})") from None
    except (ValueError, RecursionError, MemoryError):
        raise ConditionError("cannot parse the condition") from None
    compiler = _Compiler(symbols)
    evaluate = compiler.compile(tree.body)
    return Condition(
        source=source,
        evaluate=evaluate,
        questions=tuple(compiler.questions),
        metrics=tuple(compiler.metrics),
        parameters=tuple(compiler.parameters),
        comparisons=tuple(compiler.comparisons),
        findings=tuple(compiler.findings),
        answer_limits=tuple(compiler.answer_limits),
    )


__all__ = [
    "Comparison",
    "Condition",
    "FINDING_KEY",
    "ConditionError",
    "METRIC_KEY",
    "Symbols",
    "VALUE_KEY",
    "compile_condition",
]
