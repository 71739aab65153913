"""``yingji drill ...``: draw, reveal, verify and score blind drills; contributions; history.

Every line is in the language in use. ``draw`` (and ``verify --redraw``) follow
the drill file's ``language`` key unless ``--lang`` or ``YINGJI_LANG`` chose
one; ``reveal`` writes the packets, and speaks, in the language the drill was
drawn in unless ``--lang`` or ``YINGJI_LANG`` is given then; ``score`` writes
and speaks in the language of the reveal unless they are given; ``history``
follows a drill file's ``language`` key when given the drill file.
"""

from __future__ import annotations

import argparse
import sys

from experiments.commands import argtypes
from networks import i18n
from networks.i18n import N_, _

#: Largest ``--scrypt-n``: :data:`experiments.drill.seal.MAX_SCRYPT_N` (2**21; with the
#: default r = 8, 128 * 8 * 2**21 bytes = 2 GiB of memory), the bound of ``[seal] scrypt_n`` too.
#: Written out here so ``yingji --help`` need not import the cryptography library; a test
#: checks the two agree.
MAX_SCRYPT_N = 2**21


def _power_of_two(text: str) -> int:
    """An argparse type: a power of two between 2 and :data:`MAX_SCRYPT_N`."""
    n = argtypes.integer(2, MAX_SCRYPT_N)(text)
    if n & (n - 1):
        raise argparse.ArgumentTypeError(_("expected a power of two, got {n}").format(n=n))
    return n


def _scrypt(args: argparse.Namespace):  # noqa: ANN202 - ScryptParams, imported lazily
    from experiments.drill import ScryptParams

    return None if args.scrypt_n is None else ScryptParams(n=args.scrypt_n)


def cmd_draw(args: argparse.Namespace) -> int:
    """``yingji drill draw``: draw a drill and seal it."""
    from experiments.drill import draw_drill
    from experiments.drill.config import drill_language

    i18n.adopt(drill_language(args.config))  # the drill file's language, unless --lang chose one
    res = draw_drill(
        args.config,
        args.out,
        key_file=args.key,
        passphrase_file=args.passphrase_file,
        seed=args.seed,
        commitments_file=args.commitments,
        contribution_files=tuple(args.contribution or ()),
        scrypt=_scrypt(args),
    )
    if res.key_created:
        print(
            _("created key file {key} (keep it secret, away from {folder})").format(
                key=res.key_created, folder=res.folder
            )
        )
    print(
        _("sealed drill {exercise} in {folder}").format(exercise=res.exercise_id, folder=res.folder)
    )
    print(_("commitment {commitment}").format(commitment=res.commitment))
    print(
        _("publish {file} now; reveal only after the drill starts").format(
            file=res.folder / "commitment.json"
        )
    )
    if args.seed is not None:  # after the draw, so a refused draw still prints one line
        print(
            _(
                "yingji: warning: --seed makes the draw foreseeable; use it only to test "
                "the generator, never for a real drill"
            ),
            file=sys.stderr,
        )
    return 0


#: The role folders of a reveal, as the reveal lists them.
_ROLES = (
    ("participants", N_("participants")),
    ("controllers", N_("controllers")),
    ("evaluators", N_("evaluators")),
)


def cmd_reveal(args: argparse.Namespace) -> int:
    """``yingji drill reveal``: open the seal, check the commitment, write the packets."""
    from experiments.drill import reveal_drill

    res = reveal_drill(
        args.folder,
        key_file=args.key,
        passphrase_file=args.passphrase_file,
        history_file=args.append_history,
        early=args.early,
    )
    print(
        # The manifest is one of them and lists the others, which verify counts.
        _(
            "revealed {exercise}: {n} files in {folder} (manifest.json and the {listed} it lists)"
        ).format(
            exercise=res.script.exercise_id,
            n=len(res.files),
            folder=res.folder,
            listed=sum(p.name != "manifest.json" for p in res.files),
        )
    )
    for folder, role in _ROLES:
        print(f"  {i18n.pad(_(role), 13)} {res.folder / folder}")
    print(
        _("manifest {digest}: publish it now; verify checks every revealed file against it").format(
            digest=res.manifest
        )
    )
    if res.history is not None:
        print(
            _("appended {exercise} to the drill history {path}").format(
                exercise=res.script.exercise_id, path=res.history
            )
        )
    if res.note:
        print(_("note: {note}").format(note=res.note))
    if res.early:  # six-no with --early: a warning (stderr, as every warning); else a reminder
        if res.script.blind_level == "six-no":
            print(_("yingji: warning: {message}").format(message=res.early), file=sys.stderr)
        else:
            print(_("note: {note}").format(note=res.early))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """``yingji drill verify``: check a revealed script against the commitment."""
    from experiments.drill import verify_drill
    from experiments.drill.verify import revealed_language

    i18n.adopt(revealed_language(args.folder))  # the language of the reveal, unless chosen
    if args.redraw is not None:
        from experiments.drill.config import drill_language

        i18n.adopt(drill_language(args.redraw))
    res = verify_drill(args.folder, redraw=args.redraw)
    print(
        _("verified {exercise} (drawn {drawn_at}, commitment {commitment})").format(
            exercise=res.exercise_id, drawn_at=res.drawn_at, commitment=res.commitment
        )
    )
    for w in res.warnings:  # on stderr, as every warning: the checks cannot vouch for it
        print(_("yingji: warning: {message}").format(message=w), file=sys.stderr)
    for c in res.checks:
        print(_("  ok: {check}").format(check=c))
    return 0


#: The documents of a scoring, as the score lists them.
_SCORED = (
    ("evaluation_form.html", N_("form")),
    ("evaluation_report.html", N_("report")),
    ("improvements.csv", N_("improvements")),
)


def cmd_score(args: argparse.Namespace) -> int:
    """``yingji drill score``: score a revealed drill from its observations."""
    from experiments.drill.score_texts import conclusion_name
    from experiments.drill.scoring import score_folder
    from experiments.drill.verify import revealed_language

    i18n.adopt(revealed_language(args.folder))  # the language of the reveal, unless chosen
    res = score_folder(
        args.folder,
        args.observations,
        out=args.out,
        history_file=args.append_history,
        overwrite=args.overwrite,
    )
    s = res.score
    print(
        _("scored {exercise}: {total:.1f} out of 100, {conclusion}; {n} improvements open").format(
            exercise=s.script.exercise_id,
            total=s.total,
            conclusion=conclusion_name(s.conclusion),
            n=len(s.shortfalls),
        )
    )
    for name, label in _SCORED:
        print(f"  {i18n.pad(_(label), 13)} {res.folder / name}")
    if res.history is not None:
        print(
            _("recorded the score of {exercise} in the drill history {path}").format(
                exercise=s.script.exercise_id, path=res.history
            )
        )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """``yingji drill history``: list past drills with their scores and open improvements."""
    from experiments.drill.history_list import format_table, history_listing, read_history_table
    from experiments.drill.reveal import history_target

    if str(args.history).lower().endswith(".toml"):
        from experiments.drill.config import DrillConfig, drill_language
        from experiments.drill.history_file import read_history

        i18n.adopt(drill_language(args.history))
        # The drill config knows its catalogue and network: check the rows' hazards and
        # areas as the next draw will, rather than list rows that draw would refuse.
        cfg = DrillConfig.from_file(args.history)
        read_history(
            history_target(args.history), catalogue=cfg.catalogue(), network=cfg.region().network
        )
    rows = read_history_table(history_target(args.history))
    if not rows:
        print(_("no drills in {path} yet").format(path=args.history))
        return 0
    print(format_table(*history_listing(rows)))
    return 0


def cmd_contribute(args: argparse.Namespace) -> int:
    """``yingji drill contribute``: an organiser's secret contribution and its commitment."""
    from experiments.drill import contribute

    h = contribute(args.party, secret_file=args.secret, commitments_file=args.commitments)
    print(
        _("{party}: commitment {commitment} added to {file}").format(
            party=args.party, commitment=h, file=args.commitments
        )
    )
    print(
        _("keep {file} private; hand it to the drawing machine at the draw").format(
            file=args.secret
        )
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``drill`` to the ``yingji`` parser."""
    drill = sub.add_parser("drill", help=_("draw, seal, reveal and verify blind drills"))
    dsub = drill.add_subparsers(dest="drill_command", required=True, metavar="ACTION")

    def secret_args(p: argparse.ArgumentParser) -> None:
        g = p.add_mutually_exclusive_group(required=True)
        g.add_argument("--key", metavar="FILE", help=_("key file (64 hex digits)"))
        g.add_argument("--passphrase-file", metavar="FILE", help=_("file holding a passphrase"))

    draw = dsub.add_parser("draw", help=_("draw a drill from DRILL.toml and seal it into DIR"))
    draw.add_argument("config", metavar="DRILL.toml", help=_("drill config (TOML)"))
    draw.add_argument("--out", required=True, metavar="DIR", help=_("drill folder to create"))
    secret_args(draw)
    draw.add_argument(
        "--seed",
        type=argtypes.seed,
        help=_("fixed seed, ONLY for testing the generator (default: secrets)"),
    )
    draw.add_argument("--commitments", metavar="FILE", help=_("organisers' published commitments"))
    draw.add_argument(
        "--contribution", action="append", metavar="FILE", help=_("an organiser's contribution")
    )
    draw.add_argument(
        "--scrypt-n",
        type=_power_of_two,
        metavar="N",
        help=_("passphrase KDF cost, a power of two up to 2**21 (default 2**17)"),
    )
    draw.set_defaults(func=cmd_draw)

    rev = dsub.add_parser("reveal", help=_("decrypt DIR, check the commitment, write packets"))
    rev.add_argument("folder", metavar="DIR", help=_("drill folder sealed by 'yingji drill draw'"))
    secret_args(rev)
    rev.add_argument(
        "--append-history",
        metavar="FILE",
        help=_(
            "add this drill to a history CSV, or to the history a drill TOML reads "
            "([drill] history)"
        ),
    )
    rev.add_argument(
        "--early",
        action="store_true",
        help=_(
            "reveal before the drawn start (a six-no drill is otherwise refused until it "
            "starts: nobody may hold its script before)"
        ),
    )
    rev.set_defaults(func=cmd_reveal)

    ver = dsub.add_parser("verify", help=_("check a revealed drill against its commitment"))
    ver.add_argument(
        "folder", metavar="DIR", help=_("drill folder opened by 'yingji drill reveal'")
    )
    ver.add_argument(
        "--redraw", metavar="DRILL.toml", help=_("also re-draw from the seed and compare")
    )
    ver.set_defaults(func=cmd_verify)

    sc = dsub.add_parser(
        "score", help=_("score a revealed drill from the evaluators' observations")
    )
    sc.add_argument("folder", metavar="DIR", help=_("drill folder opened by 'yingji drill reveal'"))
    sc.add_argument(
        "--observations",
        required=True,
        metavar="FILE",
        help=_("what the evaluators observed (CSV or XLSX)"),
    )
    sc.add_argument(
        "--append-history",
        metavar="FILE",
        help=_("record the score in a history CSV, or in the history a drill TOML reads"),
    )
    sc.add_argument(
        "--out", metavar="FOLDER", help=_("folder for the scored documents (default DIR/scored)")
    )
    sc.add_argument(
        "--overwrite", action="store_true", help=_("replace an earlier scoring of this drill")
    )
    sc.set_defaults(func=cmd_score)

    hist = dsub.add_parser("history", help=_("list past drills with their scores"))
    hist.add_argument(
        "history",
        metavar="HISTORY.csv|DRILL.toml",
        help=_("drill history CSV, or a drill TOML (the history its [drill] history names)"),
    )
    hist.set_defaults(func=cmd_history)

    con = dsub.add_parser("contribute", help=_("an organiser's entropy for a multi-party draw"))
    con.add_argument("--party", required=True, help=_("organiser's name"))
    con.add_argument("--secret", required=True, metavar="FILE", help=_("private file to create"))
    con.add_argument("--commitments", required=True, metavar="FILE", help=_("public commitments"))
    con.set_defaults(func=cmd_contribute)
