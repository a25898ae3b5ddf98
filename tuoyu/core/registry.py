"""How an app plugs itself in (注册表): found the way Django finds ``admin.py``.

When the app registry is ready, ``CoreConfig.ready()`` imports, for every installed tuoyu app, the modules
named in ``PLUGIN_MODULES`` that the app has: ``scoping`` (its visibility rules, registered with
``core.scoping``), ``navigation`` (its menu entries), ``panels`` (its panels of the home page and of other apps' pages), ``jobs`` (its
``tuoyu tick`` jobs) and ``demo`` (its demo builders). Importing a module registers what it declares, with
the functions below. The API (``api.py`` declaring ``api_mounts``) and the web URLs (``urls.py`` declaring
``mount``) are read when the project's URLconf is built (``tuoyu/urls.py``, ``tuoyu/api.py``).

Hooks (at the end) let an app ask what another app knows without importing it (the import contract forbids
the cycle): ``rule_params`` and ``run_guards`` (answered by standards), ``ask``/``answer`` for a named
question (e.g. ``children.scoping.sees_classes``, answered by staff). A hook nobody answers answers empty.

Core itself imports no app: it only holds the lists. Whatever users see in an order (the menu, tick's jobs,
the demo's steps, the home panels) carries an explicit ``order`` so the order does not depend on the order
of ``INSTALLED_APPS`` or of imports.

We discover our own apps only (``tuoyu.*``), unlike ``django.utils.module_loading.autodiscover_modules``,
which imports the module from every installed app: ``django.contrib.messages`` has an ``api`` module of its
own, and a third-party ``jobs`` module must not be run by ``tuoyu tick``. Like Django's, a module that is
missing is skipped and a module that fails to import raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import AppConfig, apps
from django.utils.functional import Promise
from django.utils.module_loading import module_has_submodule

PROJECT = __name__.split(".")[0]  # "tuoyu": the apps that plug in are the project's own
PLUGIN_MODULES = ("scoping", "navigation", "panels", "jobs", "demo")


def project_apps() -> Iterator[AppConfig]:
    """The installed apps of this project, in ``INSTALLED_APPS`` order."""
    for config in apps.get_app_configs():
        if config.name.startswith(PROJECT + "."):
            yield config


def app_modules(name: str) -> Iterator[tuple[AppConfig, ModuleType]]:
    """Each project app's ``<app>.<name>`` module, imported; apps without one are skipped."""
    for config in project_apps():
        if module_has_submodule(config.module, name):
            yield config, import_module(f"{config.name}.{name}")


def autodiscover() -> None:
    """Import every app's plug-in modules (see ``PLUGIN_MODULES``), which register what they declare."""
    for name in PLUGIN_MODULES:
        for _config, _module in app_modules(name):
            pass


def _add(registry: dict[str, Any], item: Any, kind: str) -> Any:
    if item.name in registry and registry[item.name] != item:
        raise ValueError(f"two {kind}s named {item.name!r}")
    registry[item.name] = item
    return item


def _ordered(registry: dict[str, Any]) -> list[Any]:
    return sorted(registry.values(), key=lambda item: (item.order, item.name))


# --- the menu -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuEntry:
    """One entry of the menu (导航): shown to a user when ``allowed(user)`` says so — typically
    ``core.scoping.allows(Model, action)``, the same rule that decides what the page would show them.
    ``public`` entries are shown to everyone, signed in or not; ``badge(request)`` is a count after the label.
    """

    name: str
    label: str | Promise
    url: str | Callable[[], str]  # a URL name to reverse, or a function answering the URL
    order: int
    allowed: Callable[[Any], bool] = field(default=lambda user: True, compare=False)
    public: bool = False
    badge: Callable[[Any], Any] | None = field(default=None, compare=False)
    badge_label: str | Promise = ""


_menu: dict[str, MenuEntry] = {}


def menu_entry(**kwargs: Any) -> MenuEntry:
    return _add(_menu, MenuEntry(**kwargs), "menu entry")


def menu_entries() -> list[MenuEntry]:
    return _ordered(_menu)


# --- the home page and the panels of other pages ------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """A panel of a page: the signed-in home page (工作台, ``page="home"``) or an object's page that other apps
    add to (``"institution"``: an institution's page; ``"class"``: a class's page). ``context(user, *objects)``
    answers what its template shows (the page's objects: none for home, the institution, the class), or
    None / empty when the panel is not for this user. The template is included with that context as
    ``panel``."""

    name: str
    template: str
    order: int
    context: Callable[..., Any] = field(compare=False)
    page: str = "home"


_panels: dict[tuple[str, str], Panel] = {}


def page_panel(page: str, **kwargs: Any) -> Panel:
    """Register a panel of ``page`` (the owning app's page shows it without importing the app)."""
    panel = Panel(page=page, **kwargs)
    key = (page, panel.name)
    if key in _panels and _panels[key] != panel:
        raise ValueError(f"two {page} panels named {panel.name!r}")
    _panels[key] = panel
    return panel


def page_panels(page: str) -> list[Panel]:
    return sorted((p for p in _panels.values() if p.page == page), key=lambda p: (p.order, p.name))


def panels_for(page: str, user: Any, *objects: Any) -> list[tuple[str, Any]]:
    """The (template, context) of each of ``page``'s panels that has something for this user, in order."""
    return [(p.template, context) for p in page_panels(page) if (context := p.context(user, *objects))]


def home_panel(**kwargs: Any) -> Panel:
    return page_panel("home", **kwargs)


def home_panels() -> list[Panel]:
    return page_panels("home")


# --- scheduled jobs (tuoyu tick) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """A job ``tuoyu tick`` runs once a day. ``run(out)`` does the work and answers the summary line(s)
    tick prints; ``out`` is the command's output stream (for a progress bar)."""

    name: str
    order: int
    run: Callable[[Any], str | list[str] | None] = field(compare=False)
    warning: bool = False  # its lines are warnings (shown in the warning style)


_jobs: dict[str, Job] = {}


def job(**kwargs: Any) -> Job:
    return _add(_jobs, Job(**kwargs), "job")


def jobs() -> list[Job]:
    return _ordered(_jobs)


# --- the demo world -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoStep:
    """One step of ``tuoyu demo``: ``run(seed=…, password=…, out=…)`` builds part of the demo world through
    the services and answers the lines to print. Steps with ``deferred`` run inside the compliance
    engine's deferred re-evaluation (thousands of small commits: each institution is evaluated once)."""

    name: str
    order: int
    run: Callable[..., list[str]] = field(compare=False)
    deferred: bool = False


_demo: dict[str, DemoStep] = {}


def demo_step(**kwargs: Any) -> DemoStep:
    return _add(_demo, DemoStep(**kwargs), "demo step")


def demo_steps() -> list[DemoStep]:
    return _ordered(_demo)


# --- API routers and URLs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiMount:
    """A ninja Router an app mounts under ``/api/v1<prefix>``; ``order`` keeps the OpenAPI order stable."""

    prefix: str
    router: Any
    order: int


def api_mounts() -> list[ApiMount]:
    """Every app's ``api.api_mounts``, in their order."""
    found = [m for _config, module in app_modules("api") for m in getattr(module, "api_mounts", ())]
    return sorted(found, key=lambda m: (m.order, m.prefix))


def url_modules() -> list[ModuleType]:
    """Every app's ``urls`` module that declares where it is mounted (``mount = "staff/"``)."""
    return [module for _config, module in app_modules("urls") if hasattr(module, "mount")]


# --- hooks: a question one app asks and another answers -----------------------------------------------
# An app that must not import another (the contract forbids the cycle) asks through a hook; the app that
# knows registers the answer when it is loaded (its AppConfig.ready or a plug-in module). A hook nobody
# answers answers empty — each question below says what that means — so an app can be left out.


_answers: dict[str, Callable[..., Any]] = {}
_guards: dict[str, list[tuple[str, Callable[..., None]]]] = {}


def answer(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the one function answering hook ``name`` (a decorator). Two different answers are a mistake."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in _answers and _answers[name] is not fn:
            raise ValueError(f"two answers to hook {name!r}")
        _answers[name] = fn
        return fn

    return register


def ask(name: str, *args: Any, default: Any = None, **kwargs: Any) -> Any:
    """Hook ``name``'s answer, or ``default`` when no installed app answers it."""
    fn = _answers.get(name)
    return default if fn is None else fn(*args, **kwargs)


def rule_params(rule_id: str, region_prefix: str) -> dict[str, Any]:
    """The parameters of compliance rule ``rule_id`` in force for a region (national defaults with the city's
    overrides), e.g. ``rule_params("SIT-01", "110105")["min_lease_years"]``. Answered by the compliance
    engine (standards registers ``standards.rule_params``); without it: ``{}`` — no rule, no parameter, and
    the caller skips the check the parameter would make."""
    return dict(ask("standards.rule_params", rule_id, region_prefix, default={}))


def guard(point: str, *, name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a guard (拦截) run at ``point`` (e.g. ``"filing.submit"``): ``fn(obj, **context)`` raises a
    ``DomainError`` to refuse the action. Guards run in the order they were registered."""

    def register(fn: Callable[..., None]) -> Callable[..., None]:
        guards = _guards.setdefault(point, [])
        if any(n == name and f is not fn for n, f in guards):
            raise ValueError(f"two guards named {name!r} at {point!r}")
        if all(n != name for n, _f in guards):
            guards.append((name, fn))
        return fn

    return register


def run_guards(point: str, obj: Any, **context: Any) -> None:
    """Run every guard registered at ``point`` on ``obj``; the first refusal propagates. None registered
    (e.g. the compliance engine is not installed): nothing refuses."""
    for _name, fn in _guards.get(point, ()):
        fn(obj, **context)
