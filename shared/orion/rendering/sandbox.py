"""The sandbox tenant templates run in: Jinja's SandboxedEnvironment with size limits, so a template can
neither stream a page too large for a Lambda response nor build a value too large for its memory.

Every way a template grows text is sized before the text is built and refused past the limit with
:class:`RenderTooLarge`: the operators (``*``, ``**``, ``+``, ``%``, ``~``), the filters and string
methods that pad, repeat or join, ``str.format``, turning a list into text (a list can hold one long
string many times over), and the joins of the page and of every block, macro and ``{% set %}`` body,
counted as chunks arrive. What one render builds in all is counted too, so many values each under
the limit cannot fill the memory either. Templates compile unoptimised and without folding constant
output, so checking an upload compiles it without running any of it.
"""

from __future__ import annotations

import builtins
import contextlib
import itertools
import math
import re
import types
from collections.abc import Callable, Iterable, Mapping, MappingView
from contextvars import ContextVar
from functools import update_wrapper, wraps
from typing import Any, cast

from jinja2 import Undefined, nodes, pass_environment, pass_eval_context
from jinja2 import filters as jinja_filters
from jinja2.compiler import CodeGenerator, Frame
from jinja2.constants import LOREM_IPSUM_WORDS
from jinja2.environment import Environment, Template
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, Macro, markup_join, str_join
from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import Namespace, generate_lorem_ipsum
from markupsafe import Markup, soft_str

from orion.rendering.errors import RenderTooLarge

MAX_OUTPUT_BYTES = 2 * 1024 * 1024
"""The size limit of tenant templates: a rendered page in UTF-8 bytes (a Lambda response is at most
6 MB), and any string, block or macro a template builds, in characters (longer could never be shown)."""

MAX_ITEMS = MAX_RANGE
"""The longest list a template builds (with ``*``, ``+``, a list's methods or a filter), as long as the
sandbox's own ``range``."""

MAX_INT_BITS = 256
"""The largest number a template computes (77 digits; prices and counts need 64 bits)."""

MAX_BUILT_BYTES = 8 * MAX_OUTPUT_BYTES
"""All the text (and list slots) one render builds: values each under the limit but kept by the
hundred in a list must not fill the function's memory either. A page counts its text a few times (its
values, each block, the page), so a page near the limit still renders."""

_ITEM_BYTES = 64  # what an item in a built list costs: a slot and, usually, a small object
_OPAQUE_TEXT = 80  # the text of a function, macro or loop object: short, and bounded by its own code
# What each item adds to a list's text (", " and quotes), rounded up: sizing any list then stops within a
# quarter of a million items, however small they are.
_ITEM_TEXT = 8
_MB = f"{MAX_OUTPUT_BYTES // 2**20} MB"
_LOREM_WORD = builtins.max(len(word) for word in LOREM_IPSUM_WORDS.split()) + 1
_CONTAINERS = (list, tuple, dict, set, frozenset, MappingView, Namespace)  # what str() prints whole


class _Budget:
    """What one render has built so far (characters and list slots)."""

    __slots__ = ("built",)

    def __init__(self) -> None:
        self.built = 0


_budget: ContextVar[_Budget | None] = ContextVar("orion_template_budget", default=None)


def _charge(size: int) -> None:
    budget = _budget.get()
    if budget is None:
        return
    budget.built += size
    if budget.built > MAX_BUILT_BYTES:
        raise RenderTooLarge(
            f"the template builds more than {MAX_BUILT_BYTES // 2**20} MB of text and lists in one render"
        )


def _refuse_text(size: int) -> None:
    if size > MAX_OUTPUT_BYTES:
        raise RenderTooLarge(f"the expression would build a string of {size:,} characters, larger than {_MB}")


def _refuse_items(count: int) -> None:
    if count > MAX_ITEMS:
        raise RenderTooLarge(
            f"the expression would build a sequence of {count:,} items, more than {MAX_ITEMS:,}"
        )


def _refuse_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise RenderTooLarge(
            f"the expression would compute a number of {bits:,} bits, more than {MAX_INT_BITS}"
        )


def _built(value: Any) -> Any:
    """``value``, just computed by template code, if within the limits (and counted)."""
    if isinstance(value, str | bytes):
        _refuse_text(len(value))
        _charge(len(value))
    elif isinstance(value, list | tuple | dict | set | frozenset):
        _refuse_items(len(value))
        _charge(_ITEM_BYTES * len(value))
    elif isinstance(value, int):
        _refuse_bits(value.bit_length())
    return value


# --- sizing text before it is built ---


class _PastLimit(Exception):
    """Sizing stopped: the text is longer than asked about."""


class _Sizer:
    """Adds up about how long a value's text is (Python's ``repr`` of what it holds), stopping as soon
    as the total passes ``limit``, so the cost is bounded however often a list repeats a string."""

    def __init__(self, limit: int, indent: int) -> None:
        self.limit = limit
        self.indent = indent
        self.total = 0
        self.open: set[int] = set()

    def count(self, size: int) -> None:
        self.total += size
        if self.total > self.limit:
            raise _PastLimit

    def add(self, value: Any, depth: int, extra: int = 0) -> None:
        """Count ``value``'s text and ``extra`` (what separates it from the previous item)."""
        if isinstance(value, str):
            size = len(value)
            if not value.isprintable():  # repr escapes: \n, \x00 or \U0001f600
                size *= 4 if value.isascii() else 10
            self.count(size + 2 + extra)
        elif isinstance(value, int) and not isinstance(value, bool):
            self.count(value.bit_length() * 3 // 10 + 2 + extra)
        elif isinstance(value, _CONTAINERS):
            self.count(extra)
            self.add_container(value, depth)
        elif isinstance(value, bytes):
            self.count(4 * len(value) + 3 + extra)
        elif value is None or isinstance(value, bool | float):
            self.count(24 + extra)
        elif not isinstance(value, Undefined):
            self.count(_OPAQUE_TEXT + extra)

    def add_container(self, value: Any, depth: int) -> None:
        if id(value) in self.open:  # a list inside itself: repr shows [...]
            self.count(5)
            return
        self.open.add(id(value))
        if isinstance(value, Namespace):  # <Namespace {...}>, its attributes kept in a private dict
            value = getattr(value, "_Namespace__attrs", {})
            self.count(12)
        separator = _ITEM_TEXT + (1 + self.indent * (depth + 1) if self.indent else 0)
        self.count(2)
        if isinstance(value, dict):
            for key, item in value.items():
                self.add(key, depth + 1, separator + 2)
                self.add(item, depth + 1)
        else:
            for item in value:
                self.add(item, depth + 1, separator)
        self.open.discard(id(value))


def _text_size(value: Any, limit: int = MAX_OUTPUT_BYTES, *, indent: int = 0) -> int:
    """About how many characters ``str(value)`` has (or ``json.dumps`` with ``indent``: a newline and
    the depth's indentation per item), counted no further than just past ``limit``."""
    if not indent:
        if isinstance(value, str):
            return len(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value.bit_length() * 3 // 10 + 2
    sizer = _Sizer(limit, indent)
    with contextlib.suppress(_PastLimit):
        sizer.add(value, 0)
    return sizer.total


def _joined_size(values: Iterable[Any]) -> int:
    """About how long the values' texts are together, counted no further than just past the limit."""
    total = 0
    for value in values:
        total += _text_size(value, MAX_OUTPUT_BYTES - total)
        if total > MAX_OUTPUT_BYTES:
            break
    return total


def _as_text(value: Any) -> str:
    """``value`` as text (a Markup stays Markup), refused first if that text would pass the limit."""
    _refuse_text(_text_size(value))
    return soft_str(value)


def _refuse_long_text_args(args: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
    """Refuse a list, dict or namespace among a call's arguments whose text would pass the limit: a
    function or filter may turn it into text (a list holding one long string a million times)."""
    for value in itertools.chain(args, kwargs.values()) if kwargs else args:
        if isinstance(value, _CONTAINERS):
            _refuse_text(_text_size(value))


def _materialized(iterable: Any) -> list[Any]:
    """The items of ``iterable`` (a generator, say), refused past :data:`MAX_ITEMS` without reading on."""
    items = list(itertools.islice(iterable, MAX_ITEMS + 1))
    if len(items) > MAX_ITEMS:
        raise RenderTooLarge(f"the expression would build a sequence of more than {MAX_ITEMS:,} items")
    return items


def _number(digits: str) -> int:
    """A width or precision written in a format (beyond any limit if absurdly long)."""
    return int(digits) if len(digits) <= 18 else 10**18


_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_SPEC_NUMBER = re.compile(r"\d+")


def _printf_size(template: str, values: Any) -> int:
    """An upper bound of ``len(template % values)``: the template, the values' text, and every field
    width and precision (``*`` takes one from the values)."""
    size = len(template) + _text_size(values)
    star = False
    for field in _PRINTF_FIELD.finditer(template):
        for number in field.groups():
            if number == "*":
                star = True
            elif number:
                size += _number(number)
    if star:
        given = values if isinstance(values, tuple) else (values,)
        size += sum(abs(value) for value in given if isinstance(value, int))
    return size


def _refuse_oversized_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for sequence, times in ((left, right), (right, left)):
            if isinstance(times, int) and isinstance(sequence, str | bytes):
                _refuse_text(len(sequence) * times)
            elif isinstance(times, int) and isinstance(sequence, list | tuple):
                _refuse_items(len(sequence) * times)
        if isinstance(left, int) and isinstance(right, int):
            _refuse_bits(left.bit_length() + right.bit_length())
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            # 2 ** n has n + 1 bits; a larger base has more, so an exponent past the limit is enough.
            bits = right if right > MAX_INT_BITS else math.ceil(right * math.log2(abs(left)))
            _refuse_bits(bits)
    elif operator == "+":
        if isinstance(left, str | bytes) and isinstance(right, str | bytes):
            _refuse_text(len(left) + len(right))
        elif isinstance(left, list | tuple) and isinstance(right, list | tuple):
            _refuse_items(len(left) + len(right))
    elif operator == "%" and isinstance(left, str):
        _refuse_text(_printf_size(left, right))


# --- string and list methods called from templates ---


def _padded(text: str | bytes, args: tuple[Any, ...]) -> int:
    width = args[0] if args else 0
    return builtins.max(len(text), width) if isinstance(width, int) else 0


def _tabs_expanded(text: str | bytes, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> int:
    tab = "\t" if isinstance(text, str) else b"\t"
    size = args[0] if args else kwargs.get("tabsize", 8)
    return len(text) + text.count(tab) * size if isinstance(size, int) else 0  # type: ignore[arg-type]


def _replaced(text: Any, old: Any, new: Any, count: Any) -> int:
    """An upper bound of ``len(text.replace(old, new, count))``."""
    kind = str if isinstance(text, str) else bytes
    if not (isinstance(old, kind) and isinstance(new, kind)):
        return len(text)  # replace refuses other types itself
    hits = len(text) + 1 if not old else text.count(old)
    if isinstance(count, int) and count >= 0:
        hits = builtins.min(hits, count)
    return int(len(text) + hits * builtins.max(0, len(new) - len(old)))


def _translated(text: str | bytes, args: tuple[Any, ...]) -> int:
    table = args[0] if args else None
    if not isinstance(text, str) or not isinstance(table, dict):
        return len(text)
    longest = builtins.max((len(v) for v in table.values() if isinstance(v, str)), default=1)
    return len(text) * builtins.max(longest, 1)


_GROWING_METHODS = {"append", "insert", "add", "setdefault", "extend", "update"}


def _sized_call(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Refuse a call from a template that would build text or a list past the limits, before it runs;
    the (possibly read-out) positional arguments to call it with."""
    if not isinstance(function, types.BuiltinMethodType | types.MethodType):
        if not isinstance(function, Macro):  # a macro's arguments are its own template's business
            _refuse_long_text_args(args, kwargs)
        return args
    owner = function.__self__
    name = function.__name__
    if isinstance(owner, str | bytes):
        if name in ("center", "ljust", "rjust", "zfill"):
            _refuse_text(_padded(owner, args))
        elif name == "expandtabs":
            _refuse_text(_tabs_expanded(owner, args, kwargs))
        elif name == "replace" and len(args) >= 2:
            count = args[2] if len(args) > 2 else kwargs.get("count")
            _refuse_text(_replaced(owner, args[0], args[1], count))
        elif name == "translate":
            _refuse_text(_translated(owner, args))
        elif name == "join" and args:
            items = _materialized(args[0])
            _refuse_text(_joined_size(items) + builtins.max(len(items) - 1, 0) * len(owner))
            return (items, *args[1:])
        return args
    if isinstance(owner, list | set | dict) and name in _GROWING_METHODS:
        if name in ("extend", "update"):
            args = tuple(a if hasattr(a, "__len__") else _materialized(a) for a in args)
            added = sum(len(a) for a in args) + len(kwargs)
        else:
            added = 1
        _refuse_items(len(owner) + added)
        _charge(_ITEM_BYTES * added)
        return args
    _refuse_long_text_args(args, kwargs)
    return args


# --- str.format ---


class _CappedFormatter(SandboxedFormatter):
    """The sandbox's ``str.format``, refusing a field wider than the limit (``{:>1000000000}``) or a
    list whose text would pass it, and stopping once the fields together pass it."""

    def __init__(self, env: Environment, **kwargs: Any) -> None:
        super().__init__(env, **kwargs)
        self.written = 0

    def format_field(self, value: Any, format_spec: str) -> Any:
        _refuse_text(builtins.max(map(_number, _FORMAT_SPEC_NUMBER.findall(format_spec)), default=0))
        _refuse_text(_text_size(value))
        text = super().format_field(value, format_spec)
        self.written += len(text)
        _refuse_text(self.written)
        return text


class _CappedEscapeFormatter(_CappedFormatter, SandboxedEscapeFormatter):
    """:class:`_CappedFormatter` for ``Markup.format``, which escapes its fields."""


# --- filters and globals ---


@pass_eval_context
def _join(eval_ctx: EvalContext, value: Any, d: Any = "", attribute: Any = None) -> Any:
    items = _materialized(value)
    if attribute is not None:
        items = list(map(jinja_filters.make_attrgetter(eval_ctx.environment, attribute), items))
    separator = _as_text(d)
    _refuse_text(_joined_size(items) + builtins.max(len(items) - 1, 0) * len(separator))
    return jinja_filters.do_join(eval_ctx, items, separator)


def _center(value: Any, width: Any = 80) -> Any:
    text = _as_text(value)
    _refuse_text(_padded(text, (width,)))
    return jinja_filters.do_center(text, width)


def _indent(s: Any, width: Any = 4, first: bool = False, blank: bool = False) -> Any:
    text = _as_text(s)
    step = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    _refuse_text(len(text) + (text.count("\n") + 1) * builtins.max(step, 0))
    return jinja_filters.do_indent(text, width, first, blank)


@pass_environment
def _wordwrap(  # noqa: PLR0917 (Jinja's signature: templates pass these positionally)
    environment: Environment,
    s: Any,
    width: Any = 79,
    break_long_words: bool = True,
    wrapstring: Any = None,
    break_on_hyphens: bool = True,
) -> Any:
    text = _as_text(s)
    wrap = _as_text(wrapstring if wrapstring is not None else environment.newline_sequence)
    _refuse_text(len(text) + (len(text) + 1) * len(wrap))  # at worst, one character a line
    return jinja_filters.do_wordwrap(environment, text, width, break_long_words, wrap, break_on_hyphens)


@pass_eval_context
def _replace(eval_ctx: EvalContext, s: Any, old: Any, new: Any, count: Any = None) -> Any:
    _refuse_text(_replaced(_as_text(s), soft_str(_as_text(old)), soft_str(_as_text(new)), count))
    return jinja_filters.do_replace(eval_ctx, s, old, new, count)


def _format(value: Any, *args: Any, **kwargs: Any) -> Any:
    _refuse_text(_printf_size(_as_text(value), kwargs or args))
    return jinja_filters.do_format(value, *args, **kwargs)


@pass_eval_context
def _urlize(  # noqa: PLR0917 (Jinja's signature: templates pass these positionally)
    eval_ctx: EvalContext,
    value: Any,
    trim_url_limit: Any = None,
    nofollow: bool = False,
    target: Any = None,
    rel: Any = None,
    extra_schemes: Any = None,
) -> Any:
    text = _as_text(value)
    # Every link is a word with a '.', '@' or ':', written twice (href and text) with its attributes.
    links = text.count(".") + text.count("@") + text.count(":")
    extra = 40 + len(_as_text(target or "")) + len(_as_text(rel or ""))
    _refuse_text(2 * len(text) + links * extra)
    return jinja_filters.do_urlize(eval_ctx, text, trim_url_limit, nofollow, target, rel, extra_schemes)


@pass_eval_context
def _tojson(eval_ctx: EvalContext, value: Any, indent: Any = None) -> Any:
    step = len(indent) if isinstance(indent, str) else indent if isinstance(indent, int) else 0
    _refuse_text(_text_size(value, indent=builtins.max(step, 0)))
    return jinja_filters.do_tojson(eval_ctx, value, indent)


def _pprint(value: Any) -> Any:
    _refuse_text(_text_size(value, indent=1))
    return jinja_filters.do_pprint(value)


@pass_environment
def _sum(environment: Environment, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    if not isinstance(start, list | tuple):
        return jinja_filters.do_sum(environment, iterable, attribute, start)
    # Adding up lists builds one list in C, out of reach of the render's time limit: size it first.
    items = _materialized(iterable)
    if attribute is not None:
        items = list(map(jinja_filters.make_attrgetter(environment, attribute), items))
    _refuse_items(len(start) + sum(len(item) for item in items if isinstance(item, list | tuple)))
    return jinja_filters.do_sum(environment, items, None, start)


def _batch(value: Any, linecount: Any, fill_with: Any = None) -> Any:
    if fill_with is not None and isinstance(linecount, int):
        _refuse_items(linecount)  # the last batch is padded to linecount items
    return jinja_filters.do_batch(value, linecount, fill_with)


@pass_eval_context
def _slice(eval_ctx: EvalContext, value: Any, slices: Any, fill_with: Any = None) -> Any:
    if isinstance(slices, int):
        _refuse_items(slices)  # one list per slice, however few the items
    return jinja_filters.do_slice(eval_ctx, value, slices, fill_with)


_CAPPED_FILTERS: dict[str, Callable[..., Any]] = {
    "join": _join,
    "center": _center,
    "indent": _indent,
    "wordwrap": _wordwrap,
    "replace": _replace,
    "format": _format,
    "urlize": _urlize,
    "tojson": _tojson,
    "pprint": _pprint,
    "sum": _sum,
    "batch": _batch,
    "slice": _slice,
}


# Filters that pick, count or order values rather than turn them into text: sizing their lists would
# only cost time. Every other filter (any Jinja adds later included) sizes its list arguments first.
_KEEPING_FILTERS = frozenset(
    {
        "abs", "attr", "batch", "count", "d", "default", "dictsort", "first", "float", "groupby",
        "int", "items", "last", "length", "list", "map", "max", "min", "random", "reject",
        "rejectattr", "reverse", "round", "select", "selectattr", "slice", "sort", "sum", "unique",
    }
)  # fmt: skip


def _guarded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Filter ``name`` refusing to turn an oversized list into text, and checking what it built."""
    sizes_arguments = name not in _KEEPING_FILTERS

    @wraps(function)  # also keeps Jinja's pass_context / pass_eval_context marker
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if sizes_arguments:
            _refuse_long_text_args(args, kwargs)
        return _built(function(*args, **kwargs))

    return guarded


def _lipsum(n: Any = 5, html: bool = True, min: Any = 20, max: Any = 100) -> str:
    if isinstance(n, int) and isinstance(min, int) and isinstance(max, int):
        _refuse_text(n * (builtins.max(min, max) * _LOREM_WORD + 16))
    return cast(str, _built(generate_lorem_ipsum(n, html, min, max)))


@pass_eval_context
def _finalize(eval_ctx: EvalContext, value: Any) -> Any:
    """Every ``{{ }}`` value on its way into the page, sized first (a list is printed whole).

    A finalize that takes the evaluation context also stops Jinja from evaluating constant output at
    compile time, so compiling a template (an upload's check) never runs any of its expressions.
    """
    size = _text_size(value)
    if size > MAX_OUTPUT_BYTES:
        raise RenderTooLarge(f"the template's output exceeds {_MB}")
    _charge(size)
    return value


def _capped_concat(chunks: Iterable[str]) -> str:
    """Joins the page and every block, macro and ``{% set %}`` body, counting UTF-8 bytes as chunks
    arrive and stopping at the first past the limit, so a loop of small chunks is stopped too."""
    parts: list[str] = []
    append = parts.append
    size = 0
    for chunk in chunks:
        size += len(chunk) if chunk.isascii() else len(chunk.encode("utf-8", "surrogatepass"))
        if size > MAX_OUTPUT_BYTES:
            raise RenderTooLarge(f"the template's output exceeds {_MB}")
        append(chunk)
    _charge(size)
    return "".join(parts)


# --- the environment ---


class _CappedCodeGenerator(CodeGenerator):
    """Jinja's compiler, except that ``a ~ b`` and slices go through the environment (Jinja's compiled
    code joins with its own helpers and slices directly), so they are sized and counted too."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # The join Jinja's compiler picks: markup_join escapes, str_join does not; a frame whose
        # autoescaping is only known at render time asks the same runtime flag Jinja asks.
        volatile = frame.eval_ctx.volatile
        markup = "context.eval_ctx.volatile" if volatile else repr(bool(frame.eval_ctx.autoescape))
        self.write("environment.join_operands((")
        for operand in node.nodes:
            self.visit(operand, frame)
            self.write(", ")
        self.write(f"), {markup})")

    def visit_Getitem(self, node: nodes.Getitem, frame: Frame) -> None:
        if not isinstance(node.arg, nodes.Slice):
            super().visit_Getitem(node, frame)
            return
        # Jinja compiles a slice to a plain subscript, past the environment: count the copy it makes.
        self.write("environment.counted(")
        self.visit(node.node, frame)
        self.write("[")
        self.visit(node.arg, frame)
        self.write("])")


class _BudgetedTemplate(Template):
    """A template whose :meth:`render` counts what it builds against :data:`MAX_BUILT_BYTES`."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        if _budget.get() is not None:  # a render inside a render shares the outer one's budget
            return super().render(*args, **kwargs)
        token = _budget.set(_Budget())
        try:
            return super().render(*args, **kwargs)
        finally:
            _budget.reset(token)


class TenantSandbox(SandboxedEnvironment):
    """Jinja's sandbox with the size limits of this module, for templates tenants write. Render with
    :meth:`Template.render`, which streams the page through the capped join and keeps the budget."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _CappedCodeGenerator
    template_class = _BudgetedTemplate
    concat = staticmethod(_capped_concat)

    def __init__(self, **options: Any) -> None:
        # Unoptimised: Jinja's optimiser evaluates constant expressions (filters included) while
        # compiling, which would run {{ 'x' | center(1000000000) }} during an upload's check.
        super().__init__(**options, optimized=False, finalize=_finalize)
        self.filters = {
            name: _guarded(name, _CAPPED_FILTERS.get(name, f)) for name, f in self.filters.items()
        }
        self.globals["lipsum"] = _lipsum

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _refuse_oversized_binop(operator, left, right)
        return _built(self.binop_table[operator](left, right))

    def join_operands(self, operands: tuple[Any, ...], markup: bool) -> str:
        """``a ~ b ~ ...``, sized before it is joined."""
        _refuse_text(_joined_size(operands))
        return cast(str, _built(markup_join(operands) if markup else str_join(operands)))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        args = _sized_call(__obj, args, kwargs)
        return _built(super().call(__context, __obj, *args, **kwargs))

    def counted(self, value: Any) -> Any:
        """A slice, counted towards the render's budget (a slice is a copy)."""
        return _built(value)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` and ``str.format_map`` as Jinja's sandbox wraps them, with a formatter that
        sizes each field (Jinja's wrapper builds its own formatter, so this repeats its few lines)."""
        if not isinstance(value, types.MethodType | types.BuiltinMethodType) or value.__name__ not in (
            "format",
            "format_map",
        ):
            return None
        template = value.__self__
        if not isinstance(template, str):
            return None
        is_format_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs:
                    raise TypeError("format_map() takes no keyword arguments")
                if len(args) != 1:
                    raise TypeError(f"format_map() takes exactly one argument ({len(args)} given)")
                kwargs = args[0]
                args = ()
            formatter: _CappedFormatter = (
                _CappedEscapeFormatter(self, escape=template.escape)
                if isinstance(template, Markup)
                else _CappedFormatter(self)
            )
            return cast(str, _built(type(template)(formatter.vformat(template, args, kwargs))))

        return update_wrapper(wrapper, value)
