"""``yingji drill ...``: draw, reveal and verify blind drills; organisers' contributions."""

from __future__ import annotations

import argparse

from experiments.commands import argtypes

#: Largest ``--scrypt-n`` (with r = 8: 2 GiB of memory).
MAX_SCRYPT_N = 2**24


def _power_of_two(text: str) -> int:
    """An argparse type: a power of two between 2 and :data:`MAX_SCRYPT_N`."""
    n = argtypes.integer(2, MAX_SCRYPT_N)(text)
    if n & (n - 1):
        raise argparse.ArgumentTypeError(f"expected a power of two, got {n}")
    return n


def _scrypt(args: argparse.Namespace):  # noqa: ANN202 - ScryptParams, imported lazily
    from experiments.drill import ScryptParams

    return None if args.scrypt_n is None else ScryptParams(n=args.scrypt_n)


def cmd_draw(args: argparse.Namespace) -> int:
    """``yingji drill draw``: draw a drill and seal it."""
    import sys

    from experiments.drill import draw_drill

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
        print(f"created key file {res.key_created} (keep it secret, away from {res.folder})")
    print(f"sealed drill {res.exercise_id} in {res.folder}")
    print(f"commitment {res.commitment}")
    print(f"publish {res.folder / 'commitment.json'} now; reveal only after the drill starts")
    if args.seed is not None:  # after the draw, so a refused draw still prints one line
        print(
            "yingji: warning: --seed makes the draw foreseeable; use it only to test "
            "the generator, never for a real drill",
            file=sys.stderr,
        )
    return 0


def cmd_reveal(args: argparse.Namespace) -> int:
    """``yingji drill reveal``: open the seal, check the commitment, write the packets."""
    from experiments.drill import reveal_drill

    res = reveal_drill(
        args.folder,
        key_file=args.key,
        passphrase_file=args.passphrase_file,
        history_file=args.append_history,
    )
    print(f"revealed {res.script.exercise_id}: {len(res.files)} files in {res.folder}")
    for role in ("participants", "controllers", "evaluators"):
        print(f"  {role:<13} {res.folder / role}")
    if res.note:
        print(f"note: {res.note}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """``yingji drill verify``: check a revealed script against the commitment."""
    from experiments.drill import verify_drill

    res = verify_drill(args.folder, redraw=args.redraw)
    print(f"verified {res.exercise_id} (drawn {res.drawn_at}, commitment {res.commitment})")
    for c in res.checks:
        print(f"  ok: {c}")
    return 0


def cmd_contribute(args: argparse.Namespace) -> int:
    """``yingji drill contribute``: an organiser's secret contribution and its commitment."""
    from experiments.drill import contribute

    h = contribute(args.party, secret_file=args.secret, commitments_file=args.commitments)
    print(f"{args.party}: commitment {h} added to {args.commitments}")
    print(f"keep {args.secret} private; hand it to the drawing machine at the draw")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``drill`` to the ``yingji`` parser."""
    drill = sub.add_parser("drill", help="draw, seal, reveal and verify blind drills")
    dsub = drill.add_subparsers(dest="drill_command", required=True, metavar="ACTION")

    def secret_args(p: argparse.ArgumentParser) -> None:
        g = p.add_mutually_exclusive_group(required=True)
        g.add_argument("--key", metavar="FILE", help="key file (64 hex digits)")
        g.add_argument("--passphrase-file", metavar="FILE", help="file holding a passphrase")

    draw = dsub.add_parser("draw", help="draw a drill from DRILL.toml and seal it into DIR")
    draw.add_argument("config", metavar="DRILL.toml")
    draw.add_argument("--out", required=True, metavar="DIR", help="drill folder to create")
    secret_args(draw)
    draw.add_argument(
        "--seed",
        type=argtypes.seed,
        help="fixed seed, ONLY for testing the generator (default: secrets)",
    )
    draw.add_argument("--commitments", metavar="FILE", help="organisers' published commitments")
    draw.add_argument(
        "--contribution", action="append", metavar="FILE", help="an organiser's contribution"
    )
    draw.add_argument(
        "--scrypt-n", type=_power_of_two, metavar="N", help="passphrase KDF cost (default 2**17)"
    )
    draw.set_defaults(func=cmd_draw)

    rev = dsub.add_parser("reveal", help="decrypt DIR, check the commitment, write packets")
    rev.add_argument("folder", metavar="DIR")
    secret_args(rev)
    rev.add_argument("--append-history", metavar="FILE", help="add this drill to a history CSV")
    rev.set_defaults(func=cmd_reveal)

    ver = dsub.add_parser("verify", help="check a revealed drill against its commitment")
    ver.add_argument("folder", metavar="DIR")
    ver.add_argument(
        "--redraw", metavar="DRILL.toml", help="also re-draw from the seed and compare"
    )
    ver.set_defaults(func=cmd_verify)

    con = dsub.add_parser("contribute", help="an organiser's entropy for a multi-party draw")
    con.add_argument("--party", required=True, help="organiser's name")
    con.add_argument("--secret", required=True, metavar="FILE", help="private file to create")
    con.add_argument("--commitments", required=True, metavar="FILE", help="public commitments")
    con.set_defaults(func=cmd_contribute)
