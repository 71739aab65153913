"""``yingji scenario ...``: list, show and sample disaster scenarios."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence

from experiments.commands import argtypes
from networks.i18n import N_, _, both, pad, width

#: Width of the label column of ``scenario show``.
_LABEL = 13


def _line(label: str, value: str) -> str:
    """``label`` padded to the label column, then ``value``."""
    return f"{pad(label, _LABEL)}{value}"


def _listed(items) -> str:  # noqa: ANN001 - an iterable of strings
    """Items joined with the language's list separator."""
    return _(", ").join(items)


#: Event settings that name a place (:class:`scenarios.places.Location` values).
_PLACE_KEYS = frozenset({"at", "path_from", "path_to"})
#: Event settings as a person reads them: the key itself in English, a name in Chinese.
_SETTING_LABELS = {
    "at": N_("at"),
    "path_from": N_("path_from"),
    "path_to": N_("path_to"),
}
#: A place shifted by metres: (offset, English-style template) per direction.
_OFFSETS = (
    ("dx", N_("+{km} km E"), N_("+{km} km W")),
    ("dy", N_("+{km} km N"), N_("+{km} km S")),
)


def _enumerate(items) -> str:  # noqa: ANN001 - an iterable of strings
    """Values of one setting joined: ", " in English, "、" in Chinese."""
    return both(", ", "、").join(items)


def _place(value) -> str:  # noqa: ANN001 - a location as the scenario file gives it
    """A location readably: ``centre +3.0 km E, +2.5 km N`` (中心以东 3.0 公里、以北 2.5 公里)."""
    from scenarios.terms import source_name

    if isinstance(value, str):
        head, _sep, arg = value.partition(":")
        if head in ("centre", "center") and not arg:
            return _("centre")
        if head == "random" and not arg:
            return _("random")
        if head == "source" and arg:
            return _("source:{kind}").format(kind=both(arg, source_name(arg)))
        if head == "landmark" and arg:
            return _("landmark:{name}").format(name=arg)
        if head == "node" and arg:
            return _("node:{node}").format(node=arg)
        if head == "bbox" and arg:
            fx, _sep, fy = arg.partition(",")
            return _("bbox:{fx},{fy}").format(fx=fx, fy=fy)
        return value
    if not isinstance(value, dict):
        return str(value)
    if "x" in value or "y" in value:
        place = _("x={x} m, y={y} m").format(x=value.get("x"), y=value.get("y"))
    elif "lon" in value or "lat" in value:
        place = _("lon {lon}, lat {lat}").format(lon=value.get("lon"), lat=value.get("lat"))
    else:
        place = _place(value.get("at", "centre"))
    offsets = []
    for key, plus, minus in _OFFSETS:
        metres = value.get(key) or 0.0
        if metres:
            km = f"{abs(float(metres)) / 1000:.1f}"
            offsets.append(_(plus if metres > 0 else minus).format(km=km))
    if not offsets:
        return place
    return _("{place} {offsets}").format(place=place, offsets=_enumerate(offsets))


def _setting_value(value, catalogue, terms: dict[str, str] | None = None) -> str:  # noqa: ANN001
    """An event setting's value readably (booleans, lists and tables in words)."""
    if isinstance(value, bool):
        return both("true", _("yes")) if value else both("false", _("no"))
    if isinstance(value, list | tuple):
        return _enumerate(_setting_value(v, catalogue, terms) for v in value)
    if isinstance(value, dict):
        # "；" in Chinese: a hazard's name may itself hold "、".
        inner = both(", ", "；").join(
            _("{key}={value}").format(
                key=both(k, catalogue[k].label())
                if k in catalogue
                else both(k, (terms or {}).get(k) or k),
                value=_setting_value(v, catalogue, terms),
            )
            for k, v in value.items()
        )
        return _("({settings})").format(settings=inner)
    return str(value)


#: The unit a setting's key ends in, as Chinese output gives it after the term.
_UNITS_ZH = (
    ("_mm_h", "毫米/小时"), ("_mm", "毫米"), ("_km", "公里"), ("_m", "米"), ("_h", "小时"),
    ("_min", "分钟"), ("_days", "天"), ("_deg", "度"), ("_g", "g"),
)  # fmt: skip
#: Keys whose ending says no unit (a magnitude), or that hold one they do not end in.
_UNIT_KEYS = {"aftershock_min_m": None, "repair": "分钟"}


def _with_unit(key: str, term: str) -> str:
    """``term`` with the unit ``key`` names (``time_h``: 发生时间（小时）)."""
    if key in _UNIT_KEYS:
        unit = _UNIT_KEYS[key]
    else:
        unit = next((u for end, u in _UNITS_ZH if key.endswith(end)), None)
    return f"{term}（{unit}）" if unit else term


def _event_terms(kind: str) -> dict[str, str]:
    """The Chinese terms of an event type's settings (docs/config.md's), by key."""
    from scenarios.distributions import DISTRIBUTION
    from scenarios.event_hazmat import CHEMICAL_LEAK
    from scenarios.event_quake import EARTHQUAKE
    from scenarios.event_weather import RAINSTORM, TYPHOON
    from scenarios.events import SET_INCIDENT

    out = {k.name: k.zh for k in DISTRIBUTION.keys if k.zh}  # inside a distribution's table
    for section in (RAINSTORM, TYPHOON, EARTHQUAKE, CHEMICAL_LEAK, SET_INCIDENT):
        if section.path.endswith(f'"{kind}"'):
            out.update({n: _with_unit(n, k.zh) for k in section.keys if k.zh for n in k.accepted})
    return out


def _setting(key: str, value, catalogue, terms: dict[str, str] | None = None) -> str:  # noqa: ANN001
    """One event setting, ``key=value``, readably in the language in use.

    In Chinese a setting is named by its term in docs/config.md (震级, 降雨强度) and
    a hazard by its Chinese name; in English by its key, as a scenario file writes it.
    """
    label = _SETTING_LABELS.get(key)
    if key in _PLACE_KEYS:
        shown = _place(value)
    elif key == "hazard" and isinstance(value, str) and value in catalogue:
        shown = both(value, catalogue[value].label())
    elif key == "radius_m" and value == "all":
        shown = both(value, "全部路网")
    else:
        shown = _setting_value(value, catalogue, terms)
    zh = (terms or {}).get(key)
    name = both(key, zh) if zh else (_(label) if label else key)
    return _("{key}={value}").format(key=name, value=shown)


def _event_kind(kind: str, n: int) -> str:
    """An event kind in the language in use, with how many there are when more than one.

    Parameters
    ----------
    kind
        The event type (``rainstorm``).
    n
        How many events of that type the scenario holds.

    Returns
    -------
    str
        ``rainstorm`` or ``rainstorm (2 events)``.
    """
    from scenarios.terms import event_name

    shown = both(kind, event_name(kind))
    return shown if n == 1 else _("{event} ({n} events)").format(event=shown, n=n)


def cmd_scenario_list(args: argparse.Namespace) -> int:
    """``yingji scenario list``: the shipped scenarios, one line each."""
    from scenarios import list_scenarios, load_scenario

    rows = []
    for name in list_scenarios():
        s = load_scenario(name)
        # Each kind of event once, in the order the scenario first names it.
        kinds = Counter(e.type for e in s.events)
        events = _listed(_event_kind(kind, n) for kind, n in kinds.items())
        about = s.about()
        if s.label() != s.name:
            about = _("{title}: {text}").format(title=s.label(), text=about)
        rows.append((name, _("{hours:g} h").format(hours=s.duration_h), events, about))
    hours_w = max([7] + [width(r[1]) for r in rows])  # 7: "  168 h"
    for name, hours, events, about in rows:
        events = events or _("background only")
        print(f"{name:<18} {pad(hours, hours_w, '>')}  {pad(events, 40)} {about}")
    return 0


def cmd_scenario_hazards(args: argparse.Namespace) -> int:
    """``yingji scenario hazards``: the hazard catalogue, one line per hazard."""
    from scenarios import load_catalogue
    from scenarios.terms import capability_name

    cat = load_catalogue(args.catalogue)
    # The CAP 1.2 info.category is a code (as in a CAP alert), so it stays as it is: labelled.
    cap = {h.key: _("CAP {category}").format(category=h.cap_category) for h in cat}
    cap_w = max((width(c) for c in cap.values()), default=0)
    for h in cat:
        teams = _listed(
            _("{capability} {n}").format(capability=both(c, capability_name(c)), n=n[3])
            for c, n in h.teams
            if n[3]
        )
        # English lists the keys; Chinese adds the hazard's name and uses the bureaus' terms.
        name = both("", pad(h.label(), 32) + " ")
        category = both(h.category, h.category_label())
        print(
            f"{h.key:<18} {name}{pad(category, 17)} {pad(cap[h.key], cap_w)} "
            + _("IV needs: {teams}").format(teams=teams)
        )
    return 0


def format_scenario(spec, catalogue) -> str:  # noqa: ANN001 - ScenarioSpec, HazardCatalogue
    """Human-readable lines describing a scenario (in the language in use)."""
    from scenarios.terms import event_name

    rates = spec.background.per_day()
    title = spec.name
    if spec.label() != spec.name:
        title = _("{name} ({title})").format(name=spec.name, title=spec.label())
    lines = [
        _line(_("scenario"), title),
        _line(_("about"), spec.about()),
        _line(
            _("duration"),
            _("{hours:g} h from {start:02d}:00").format(
                hours=spec.duration_h, start=spec.start_hour
            ),
        ),
        _line(
            _("background"),
            _("{total:.2f} incidents/day (x{scale:g})").format(
                total=sum(rates.values()), scale=spec.background.scale
            ),
        ),
    ]
    shown = {h: both(h, catalogue[h].label()) for h in rates}
    name_w = max([18] + [width(v) for k, v in shown.items() if v != k])
    for h, r in sorted(rates.items(), key=lambda kv: -kv[1]):
        if r > 0:
            hz = catalogue[h]
            lines.append(
                f"  {pad(shown[h], name_w)} "
                + _("{rate:8.3f}/day").format(rate=r)
                + f"  {both(hz.category, hz.category_label())}"
            )
    for i, e in enumerate(spec.events):
        d = {k: v for k, v in e.to_dict().items() if k != "type"}
        terms = _event_terms(e.type)
        params = _listed(_setting(k, v, catalogue, terms) for k, v in d.items())
        lines.append(
            _line(
                _("event {i}").format(i=i),
                _("{type}: {params}").format(type=both(e.type, event_name(e.type)), params=params),
            )
        )
    if spec.overrides:
        names = _listed(
            both(h, catalogue[h].label()) if h in catalogue else h
            for h in spec.overrides.get("hazards", {})
        )
        lines.append(_line(_("overrides"), names))
    return "\n".join(lines)


def cmd_scenario_show(args: argparse.Namespace) -> int:
    """``yingji scenario show NAME``: what a scenario holds."""
    from scenarios import load_scenario

    spec = load_scenario(args.name)
    if args.json:
        print(json.dumps(spec.to_dict(), indent=2, default=str))
    else:
        print(format_scenario(spec, spec.hazard_catalogue()))
    return 0


def check_image_target(path: str, *, overwrite: bool, inputs: Sequence[str | None] = ()) -> None:
    """Refuse, before any work, an image path that cannot or may not be written (``--plot``)."""
    from experiments.figures import check_image_suffix
    from experiments.outdir import check_output_file

    check_image_suffix(path, option="--plot")
    check_output_file(path, option="--plot", overwrite=overwrite, inputs=inputs)


def cmd_scenario_sample(args: argparse.Namespace) -> int:
    """``yingji scenario sample NAME``: draw one incident stream and write it as CSV."""
    import numpy as np

    from experiments.outdir import check_output_file
    from networks import load_network, synthetic_county
    from scenarios import generate_stream, load_catalogue, load_scenario
    from scenarios.export import disruptions_path, summarise, write_stream_csv
    from scenarios.terms import category_name

    spec = load_scenario(args.name)  # cheap; it names the catalogue file it layers
    # Everything read, so that no output lands on it: NAME is a shipped name or a file.
    inputs = [args.name, spec.catalogue, args.catalogue, args.network]
    check_output_file(
        args.output, option="--output", overwrite=args.overwrite, inputs=inputs, suffix=".csv"
    )
    # NAME.disruptions.csv is written too; its name is made from a checked --output.
    check_output_file(
        disruptions_path(args.output), option="--output", overwrite=args.overwrite, inputs=inputs
    )
    if args.plot:
        check_image_target(args.plot, overwrite=args.overwrite, inputs=inputs)
    net = load_network(args.network) if args.network else synthetic_county()
    cat = load_catalogue(args.catalogue) if args.catalogue else None
    stream = generate_stream(spec, net, rng=np.random.default_rng(args.seed), catalogue=cat)
    inc, dis = write_stream_csv(stream, net, args.output)
    s = summarise(stream)
    cats = _listed(
        _("{category} {n}").format(category=both(k, category_name(k)), n=v)
        for k, v in s["by_category"].items()
    )
    print(
        _(
            "{scenario} on {network}, seed {seed}: {incidents} incidents ({categories}); "
            "{secondary} secondary; {disruptions} road disruptions "
            "({closures} closures, {isolation} isolation zones)"
        ).format(
            scenario=spec.label(),
            network=net.name,
            seed=args.seed,
            incidents=s["incidents"],
            categories=cats,
            secondary=s["secondary"],
            disruptions=s["disruptions"],
            closures=s["closures"],
            isolation=s["isolation_zones"],
        )
    )
    print(_("wrote {path} and {other}").format(path=inc, other=dis))
    if args.plot:
        from experiments.figures import save_figure
        from scenarios.plot import plot_stream

        print(_("wrote {path}").format(path=save_figure(plot_stream(stream, net), args.plot)))
    return 0


def cmd_scenario_sources(args: argparse.Namespace) -> int:
    """``yingji scenario sources``: the hazard sources a network gets by default."""
    from networks import load_network, synthetic_county
    from scenarios.places import Geography
    from scenarios.terms import road_set_name, source_name

    if args.plot:
        check_image_target(args.plot, overwrite=args.overwrite, inputs=[args.network])
    net = load_network(args.network) if args.network else synthetic_county()
    geo = Geography(net)
    for kind, nodes in sorted(geo.sources.items()):
        shown = " ".join(str(int(n)) for n in nodes[:8]) + (" ..." if nodes.size > 8 else "")
        label = pad(both(kind, source_name(kind)), 15)
        print(f"{label} " + _("{n:>5} nodes  {shown}").format(n=nodes.size, shown=shown))
    for name in ("low_lying", "river", "forest"):
        label = pad(both(name + " roads", road_set_name(name)), 15)
        print(f"{label} " + _("{n:>5} edges").format(n=int(geo.road_set(name).sum())))
    if args.plot:
        from experiments.figures import save_figure
        from scenarios.plot import plot_sources

        print(_("wrote {path}").format(path=save_figure(plot_sources(net), args.plot)))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``scenario`` to the ``yingji`` parser."""
    p = sub.add_parser("scenario", help=_("list, show and sample disaster scenarios"))
    ssub = p.add_subparsers(dest="scenario_command", required=True, metavar="ACTION")
    ls = ssub.add_parser("list", help=_("the shipped scenarios"))
    ls.set_defaults(func=cmd_scenario_list)
    hz = ssub.add_parser("hazards", help=_("the hazard catalogue"))
    hz.add_argument("--catalogue", metavar="FILE", help=_("your hazard overrides (TOML)"))
    hz.set_defaults(func=cmd_scenario_hazards)
    show = ssub.add_parser("show", help=_("what a scenario holds"))
    show.add_argument("name", help=_("shipped scenario name or a scenario .toml file"))
    show.add_argument("--json", action="store_true", help=_("machine-readable output"))
    show.set_defaults(func=cmd_scenario_show)
    sample = ssub.add_parser("sample", help=_("draw an incident stream and write it as CSV"))
    sample.add_argument("name", help=_("shipped scenario name or a scenario .toml file"))
    sample.add_argument(
        "--network",
        metavar="FILE",
        help=_(
            "road network (.graphml, .osm, .osm.bz2, .osm.pbf); "
            "default: the built-in synthetic county"
        ),
    )
    sample.add_argument("--catalogue", metavar="FILE", help=_("your hazard overrides (TOML)"))
    sample.add_argument("--seed", type=argtypes.seed, required=True, help=_("random seed"))
    sample.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE.csv",
        help=_("incident CSV (the disruption schedule goes beside it as NAME.disruptions.csv)"),
    )
    sample.add_argument("--plot", metavar="IMAGE", help=_("also draw a map (.png, .svg, .pdf)"))
    sample.add_argument(
        "--overwrite",
        action="store_true",
        help=_(
            "replace existing output files (the CSV, its NAME.disruptions.csv and the --plot "
            "image; default: refuse)"
        ),
    )
    sample.set_defaults(func=cmd_scenario_sample)
    src = ssub.add_parser(
        "sources", help=_("default hazard sources and low-lying roads of a network")
    )
    src.add_argument(
        "--network", metavar="FILE", help=_("road network; default: the built-in county")
    )
    src.add_argument("--plot", metavar="IMAGE", help=_("also draw them (.png, .svg, .pdf)"))
    src.add_argument(
        "--overwrite",
        action="store_true",
        help=_("replace an existing --plot image (default: refuse)"),
    )
    src.set_defaults(func=cmd_scenario_sources)
