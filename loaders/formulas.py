"""Compute the simple formulas a review table holds when no value was cached.

Files written by programs (not saved by Excel) keep formulas without their results.
Sums and differences of cells — ``=SUM(D8:D20)``, ``=E8+F8``, ``=ROUND(E8/D8*100,2)`` —
are computed from the sheet; anything else raises :class:`FormulaError` so the caller
can refuse the cell with a hint to open and save the file in Excel.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable

from openpyxl.utils import column_index_from_string

__all__ = ["FormulaError", "evaluate"]

_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_RANGE = re.compile(r"\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)")
_FUNC = re.compile(r"\b(SUM|ROUND)\(", re.IGNORECASE)
_OPS: dict[type[ast.AST], Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv}

Lookup = Callable[[int, int], float]


class FormulaError(ValueError):
    """A formula this reader does not compute."""


def _range_sum(match: re.Match[str], lookup: Lookup) -> str:
    c0, r0 = column_index_from_string(match.group(1)) - 1, int(match.group(2)) - 1
    c1, r1 = column_index_from_string(match.group(3)) - 1, int(match.group(4)) - 1
    total = sum(lookup(r, c) for r in range(min(r0, r1), max(r0, r1) + 1)
                for c in range(min(c0, c1), max(c0, c1) + 1))
    return repr(float(total))


def _ref(match: re.Match[str], lookup: Lookup) -> str:
    return repr(float(lookup(int(match.group(2)) - 1,
                             column_index_from_string(match.group(1)) - 1)))


def _eval(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _eval(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _eval(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        args = [_eval(a) for a in node.args]
        if node.func.id == "SUM":
            return float(sum(args))
        if node.func.id == "ROUND" and len(args) in (1, 2):
            return float(round(args[0], int(args[1]) if len(args) == 2 else 0))
    raise FormulaError(ast.dump(node)[:40])


def evaluate(formula: str, lookup: Lookup) -> float:
    """Value of ``formula`` ("=…"); ``lookup(row, col)`` gives a cell's number (0-based).

    Raises
    ------
    FormulaError
        For anything but numbers, cell references, ranges in SUM, + - * / and ROUND.

    Examples
    --------
    >>> cells = {(0, 0): 2.0, (1, 0): 3.0, (0, 1): 10.0}
    >>> look = lambda r, c: cells.get((r, c), 0.0)
    >>> evaluate("=SUM(A1:A2)+B1", look), evaluate("=ROUND(A2/B1*100,1)", look)
    (15.0, 30.0)
    """
    text = formula.lstrip("=").strip().upper().replace(";", ",")
    try:
        text = _RANGE.sub(lambda m: _range_sum(m, lookup), text)
        text = _REF.sub(lambda m: _ref(m, lookup), text)
        tree = ast.parse(_FUNC.sub(lambda m: m.group(1).upper() + "(", text), mode="eval")
    except (SyntaxError, ValueError, ZeroDivisionError) as err:
        raise FormulaError(formula) from err
    try:
        return _eval(tree)
    except ZeroDivisionError as err:
        raise FormulaError(formula) from err
