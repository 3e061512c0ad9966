"""The tenant sandbox's size limits: every way a template grows text is refused before the text is
built, the page is capped while it streams, nothing runs at compile time, and ordinary templates
render exactly as in Jinja's own sandbox."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import pytest
from jinja2 import select_autoescape
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from orion.rendering.errors import RenderTooLarge
from orion.rendering.sandbox import MAX_OUTPUT_BYTES, TenantSandbox

AUTOESCAPE = select_autoescape(default=True, default_for_string=True)
BIG = "{% set big = 'x' * 1000000 %}{% set many = [big] * 100000 %}"  # 1 MB, and 100,000 references to it


def render(source: str, **context: object) -> str:
    return TenantSandbox(autoescape=AUTOESCAPE).from_string(source).render(**context)


def peak_bytes_while(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_limit_is_two_megabytes_of_page() -> None:
    assert MAX_OUTPUT_BYTES == 2 * 1024 * 1024


def test_a_huge_constant_expression_is_refused_before_it_is_built() -> None:
    def attempt() -> None:
        with pytest.raises(RenderTooLarge, match="1,000,000,000 characters, larger than 2 MB"):
            render("{{ 'x' * 10**9 }}")

    assert peak_bytes_while(attempt) < 10_000_000


def test_compiling_runs_nothing_so_an_upload_check_allocates_nothing() -> None:
    environment = TenantSandbox(autoescape=AUTOESCAPE)
    for source in ("{{ 'x' * 10**9 }}", "{{ 'x' | center(1000000000) }}", "{{ ('x' ~ 'y') * 999999999 }}"):

        def compile_it(source: str = source) -> object:
            return environment.compile(source, name="home.html")

        assert peak_bytes_while(compile_it) < 10_000_000, source
        assert len(environment.compile(source, raw=True)) < 10_000, source


def test_a_huge_string_from_a_variable_is_refused() -> None:
    with pytest.raises(RenderTooLarge, match="100,000,000 characters"):
        render("{% set n = 10**8 %}{{ 'x' * n }}")


def test_a_loop_of_small_chunks_is_stopped_at_the_page_limit() -> None:
    with pytest.raises(RenderTooLarge, match="output exceeds 2 MB"):
        render("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}")


def test_a_page_under_the_limit_renders_whole() -> None:
    page = render("{% for i in range(2000) %}{{ 'x' * 1000 }}{% endfor %}")
    assert page == "x" * 2_000_000


def test_the_page_limit_counts_utf8_bytes() -> None:
    assert len(render("{{ 'é' * 1000000 }}")) == 1_000_000  # 2,000,000 bytes
    with pytest.raises(RenderTooLarge, match="output exceeds"):
        render("{{ 'é' * 1100000 }}")  # 1.1 million characters, 2.2 million bytes


def test_the_error_is_a_security_error() -> None:
    with pytest.raises(SecurityError):
        render("{{ 'x' * 10**9 }}")


GROWING = {
    "string times a number": "{{ 'ab' * 2000000 }}",
    "number times a string": "{{ 2000000 * 'ab' }}",
    "a power": "{{ 10 ** 1000 }}",
    "a list times a number": "{{ ([1, 2] * 100000)|length }}",
    "doubling with +": "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}"
    "{% endfor %}",
    "doubling with ~": "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}",
    "% with a width": "{{ '%1000000000d' % 1 }}",
    "% with a * width": "{{ '%*d' % (1000000000, 1) }}",
    "format filter": "{{ '%1000000000s'|format('x') }}",
    "str.format width": "{{ '{:>1000000000}'.format(1) }}",
    "str.format nested width": "{{ '{:>{}}'.format(1, 1000000000) }}",
    "Markup.format width": "{{ ('<b>{:>1000000000}</b>'|safe).format(1) }}",
    "center filter": "{{ 'x'|center(1000000000) }}",
    "indent filter": "{{ 'a\nb'|indent(1000000000) }}",
    "wordwrap filter": "{{ ('x' * 100000)|wordwrap(1, wrapstring='y' * 100) }}",
    "join over a big range": "{{ range(100000)|join('y' * 1000) }}",
    "replace filter": "{{ ('x' * 100000)|replace('x', 'y' * 100) }}",
    "urlize target": "{{ ('a.b ' * 10000)|urlize(target='y' * 1000) }}",
    "tojson indent": "{{ [1, 2]|tojson(indent=100000000) }}",
    "ljust": "{{ 'x'.ljust(10**9) }}",
    "rjust": "{{ 'x'.rjust(10**9) }}",
    "center method": "{{ 'x'.center(10**9) }}",
    "zfill": "{{ '1'.zfill(10**9) }}",
    "expandtabs": "{{ 'a\tb'.expandtabs(10**9) }}",
    "translate": "{{ ('a' * 1000).translate({97: 'y' * 10000}) }}",
    "str.join": "{{ ('y' * 1000).join(range(10000)) }}",
    "replace method": "{{ ('x' * 100000).replace('x', 'yyyyyyyyyyyyyyyyyyyyyyy') }}",
    "list extend doubling": "{% set l = [1] %}{% for i in range(40) %}{% set _ = l.extend(l) %}{% endfor %}",
    "a list summed": "{{ ([[1] * 100000] * 100000)|sum(start=[]) }}",
    "batch padding": "{{ [1]|batch(1000000000, 0)|list }}",
    "slice count": "{{ [1]|slice(1000000000)|list }}",
    "lipsum": "{{ lipsum(1000000) }}",
    "printing a list of references": BIG + "{{ many }}",
    "joining it": BIG + "{{ many|join }}",
    "concatenating it": BIG + "{{ '' ~ many }}",
    "it as a string": BIG + "{{ many|string }}",
    "it through %": BIG + "{{ '%s' % (many,) }}",
    "it through format": BIG + "{{ '{}'.format(many) }}",
    "it as JSON": BIG + "{{ many|tojson }}",
    "it in a namespace": BIG + "{% set ns = namespace(l=many) %}{{ ns }}",
    "its dict items": BIG + "{{ {'a': many}.items() }}",
    "a set block": "{% set x %}{% for i in range(3000) %}{{ 'x' * 1000 }}{% endfor %}{% endset %}"
    "{{ x|length }}",
    "a macro": "{% macro m() %}{% for i in range(3000) %}{{ 'x' * 1000 }}{% endfor %}{% endmacro %}"
    "{{ m()|length }}",
    "keeping many slices": "{% set big = 'x' * 1000000 %}{% set l = [] %}{% for i in range(100000) %}"
    "{% set _ = l.append(big[i:]) %}{% endfor %}{{ l|length }}",
    "keeping many new strings": "{% set ns = namespace(l=[]) %}{% for i in range(100000) %}"
    "{% set ns.l = ns.l + [('x' * 1000000) ~ i] %}{% endfor %}{{ ns.l|length }}",
}


@pytest.mark.parametrize("source", GROWING.values(), ids=GROWING.keys())
def test_every_way_of_growing_text_is_refused_without_building_it(source: str) -> None:
    def attempt() -> None:
        with pytest.raises(RenderTooLarge):
            render(source)

    # What was built stays within a few times the limit (a limit's worth of string, its escaped copy).
    assert peak_bytes_while(attempt) < 40_000_000


def test_what_one_render_keeps_in_all_is_limited() -> None:
    source = GROWING["keeping many slices"]
    with pytest.raises(RenderTooLarge, match="more than 16 MB of text and lists in one render"):
        render(source)


ORDINARY = [
    "Hello {{ name }}! {{ 'Hello %s, %d items' % (name, 3) }} {{ '%.2f'|format(3.14159) }}",
    "{{ '{} and {:>6}'.format(name, '<b>') }} {{ ('<i>{}</i>'|safe).format(name) }}",
    "{{ 'a' ~ 1 ~ none ~ [1, 'b'] ~ name }} {{ ('<b>'|safe) ~ name }} {{ 'x' * 3 }} {{ [0] * 3 }}",
    "{% autoescape false %}{{ name ~ '<' }}{% endautoescape %} {{ 2 ** 10 }} {{ 7 * 6 }} {{ 1 + 2 }}",
    "{{ items|join(', ') }} {{ items|join(', ', attribute='title') }} {{ range(5)|join('-') }}",
    "{{ name|center(15) }}|{{ 'a\nb'|indent(2, true) }}|{{ name|replace('<', '[') }}|{{ name|upper }}",
    "{{ ('lorem ipsum ' * 20)|wordwrap(30) }} {{ name|urlize }}",
    "{{ 'see www.example.com or a@b.org'|urlize(target='_blank') }}",
    "{{ items|tojson }} {{ items|tojson(2) }} {{ items|pprint }}",
    "{{ items|map(attribute='title')|list }} {{ items|selectattr('title')|first }}",
    "{{ [[1], [2, 3]]|sum(start=[]) }} {{ range(7)|batch(3, 0)|list }} {{ range(7)|slice(3)|list }}",
    "{{ name[1:4] }} {{ items[:1] }} {{ 'abc'.ljust(6, '.') }}{{ 'abc'.rjust(6) }}{{ '7'.zfill(3) }}",
    "{{ ', '.join(['a', 'b']) }} {{ 'a\tb'.expandtabs(4) }} {{ 'ab'.replace('a', 'x') }}",
    "{% set l = [] %}{% set _ = l.append(1) %}{% set _ = l.extend([2, 3]) %}{{ l }} {{ {'a': 1}.items() }}",
    "{% set ns = namespace(n=0) %}{% for i in range(5) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}",
    "{% macro card(t) %}<b>{{ t }}</b>{% endmacro %}{% for i in items %}{{ card(i.title) }}{% endfor %}",
    "{% set x %}{{ name }} in a block{% endset %}{{ x }} {% filter upper %}{{ name }}{% endfilter %}",
    "{{ items }} {{ name|e }} {{ 3.5 }} {{ none }} {{ true }} {{ missing }} {{ items|length }}",
]


@pytest.mark.parametrize("source", ORDINARY)
def test_ordinary_templates_render_exactly_as_in_jinjas_sandbox(source: str) -> None:
    context = {"name": "Ada <Lovelace>", "items": [{"title": "One"}, {"title": "Two & more"}]}
    expected = SandboxedEnvironment(autoescape=AUTOESCAPE).from_string(source).render(**context)
    assert render(source, **context) == expected


def test_lipsum_within_the_limit_still_works() -> None:
    assert render("{{ lipsum(2, false, 5, 10) }}").count("\n\n") == 1
