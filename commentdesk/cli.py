"""The `commentdesk` command line: up, api, worker, migrate, create-key, train, status, models,
promote, rollback, register, thresholds; account commands live in commentdesk.accounts."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from commentdesk import accounts, integration, keys
from service.domain import Role
from service.errors import CommentDeskError
from service.logs import configure_logging
from service.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, build settings once, run the command; errors are one plain line."""
    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
        configure_logging(settings)
        # Alembic announces each of its plugins at INFO on every command that migrates.
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
        handler: Handler = args.handler
        return handler(args, settings)
    except CommentDeskError as exc:
        print(f"commentdesk: {exc.detail}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the CLI's last resort: one readable line, not a traceback
        if os.environ.get("COMMENTDESK_DEBUG"):
            raise
        print(f"commentdesk: {type(exc).__name__}: {exc}", file=sys.stderr)
    return 1


# Command-line options override the environment variable of the same meaning, and go through
# the same parsing, so a bad value fails the same way either way.
_OPTION_ENV = {
    "data_dir": "COMMENTDESK_DATA_DIR",
    "host": "COMMENTDESK_HOST",
    "port": "COMMENTDESK_PORT",
    "workers": "COMMENTDESK_WORKERS",
}


def _settings(args: argparse.Namespace) -> Settings:
    environ = dict(os.environ)
    for option, variable in _OPTION_ENV.items():
        value = getattr(args, option, None)
        if value is not None:
            environ[variable] = str(value)
    return Settings.from_env(environ)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="commentdesk", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    _add(commands, "up", _cmd_up, "run everything on this machine (SQLite, Valkey, API, workers)")
    _add(commands, "api", _cmd_api, "serve the HTTP API (uvicorn)")
    worker = _add(commands, "worker", _cmd_worker, "run one RQ worker process")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.add_argument("--name", help="worker name (default: host and pid)")
    worker.add_argument(
        "--queues", default="classify", help="comma-separated queues: classify, train, webhooks"
    )
    _add(commands, "migrate", _cmd_migrate, "apply database migrations, register the shipped model")
    key = _add(commands, "create-key", _cmd_create_key, "create an API key and print it once")
    key.add_argument("--role", required=True, choices=[r.value for r in Role])
    key.add_argument("--name", required=True, help="client name; a site key's name is its site id")
    accounts.add_commands(commands, _add)
    integration.add_commands(commands, _add)
    keys.add_commands(commands, _add)
    train = _add(commands, "train", _cmd_train, "rebuild the shipped model or --register a new one")
    train.add_argument(
        "--register",
        action="store_true",
        help="train a new version like POST /v1/models: learn the site's moderator decisions "
        "on top of the champion's prior, judge it against the champion on the newest "
        "decisions, register it with its own bands; never promotes",
    )
    train.add_argument(
        "--data",
        help="folder of public labelled datasets (without --register: rebuild the shipped "
        "model; with it: also retrain the prior on them; env COMMENTDESK_TRAINING_DATA)",
    )
    train.add_argument(
        "--labels",
        help="--register: labelled comments older than every decision, as CSV "
        "(text,spam,toxic,...)",
    )
    train.add_argument("--note", help="--register: a note stored in the version's data manifest")
    train.add_argument("--out", help="output folder (default: the shipped default model folder)")
    _add(commands, "status", _cmd_status, "show database, queue, model and worker state")
    _add(commands, "models", _cmd_models, "list model versions with aliases and ROC-AUC")
    promote = _add(commands, "promote", _cmd_promote, "make a model version the champion")
    promote.add_argument("version", help="a registered version id (see `commentdesk models`)")
    promote.add_argument(
        "--force",
        metavar="REASON",
        help="promote although the gate refuses it (worse on the site's newest decisions, or "
        "judged against another champion); the reason is kept in the alias history",
    )
    _add(commands, "rollback", _cmd_rollback, "move the champion back to the previous one")
    register = _add(commands, "register", _cmd_register, "verify and register a .skops artifact")
    register.add_argument("path", help="the artifact file")
    register.add_argument("--id", help="version id (default: m-<sha256 prefix>)")
    evaluate = _add(commands, "eval", _cmd_eval, "train and score every dataset vs a baseline")
    evaluate.add_argument("--data", required=True, help="folder of labelled datasets")
    evaluate.add_argument(
        "--no-domain", action="store_true", help="leave out the team's domain examples"
    )
    thresholds = _add(
        commands, "thresholds", _cmd_thresholds, "compute score bands from targets, store them"
    )
    thresholds.add_argument("--data", required=True, help="folder of labelled datasets")
    thresholds.add_argument("--version", help="model version id (default: the champion)")
    thresholds.add_argument(
        "--target",
        action="append",
        default=[],
        help="label:band:metric=value, e.g. spam:reject:precision=0.99 (repeatable)",
    )
    labels = _add(
        commands, "import-labels", _cmd_import_labels, "record moderator labels from a file"
    )
    labels.add_argument("file", help="a .csv or .jsonl file in the format of /v1/labels/export")
    return parser


def _add(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Handler,
    help_text: str,
) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=help_text, description=help_text)
    command.set_defaults(handler=handler)
    if name in {"up", "api", "worker", "migrate", "status", *_ACCOUNTS, *_LIFECYCLE}:
        command.add_argument("--data-dir", help="data directory (env COMMENTDESK_DATA_DIR)")
    if name in {"up", "api"}:
        command.add_argument("--host", help="bind address (env COMMENTDESK_HOST)")
        command.add_argument("--port", help="HTTP port (env COMMENTDESK_PORT)")
    if name == "up":
        command.add_argument(
            "--workers", type=int, help="worker processes (env COMMENTDESK_WORKERS)"
        )
    return command


_LIFECYCLE = {"train", "models", "promote", "rollback", "register", "import-labels", "thresholds"}
_ACCOUNTS = {"create-key", *accounts.COMMANDS, *integration.COMMANDS, *keys.COMMANDS}
_QUEUES = {"classify", "train", "webhooks"}


def _cmd_up(_args: argparse.Namespace, settings: Settings) -> int:
    from commentdesk.supervisor import run_up

    return run_up(settings, print)


def _cmd_api(_args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from commentdesk.server import server_options

    uvicorn.run("commentdesk.asgi:create", factory=True, **server_options(settings))
    return 0


def _cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from workers.__main__ import lower_priority, run_worker

    queues = [q.strip() for q in args.queues.split(",") if q.strip()]
    unknown = set(queues) - _QUEUES
    if unknown or not queues:
        print(
            f"commentdesk: --queues {args.queues!r}: choose from classify, train, webhooks",
            file=sys.stderr,
        )
        return 2
    lower_priority(settings.worker_nice)
    run_worker(settings, burst=args.burst, name=args.name, queues=queues)
    return 0


def _cmd_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    from commentdesk.bootstrap import migrate

    version = migrate(settings)
    print(f"database at head; champion model registered: {version.id}")
    return 0


def _cmd_create_key(args: argparse.Namespace, settings: Settings) -> int:
    from commentdesk.bootstrap import create_key

    print(create_key(settings, Role(args.role), args.name))
    return 0


def _cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    if args.register:
        return _train_version(args, settings)
    from classifier import DEFAULT_MODEL_DIR
    from classifier.build import build_default_model

    if args.data is None or args.labels or args.note:
        print("commentdesk: train needs --data (--labels/--note need --register)", file=sys.stderr)
        return 2
    data = Path(args.data)
    if not data.is_dir():
        print(f"commentdesk: --data {data} is not a folder", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else DEFAULT_MODEL_DIR
    artifact = build_default_model(data, out)
    print(f"model written to {artifact}; model card in {out / 'MODEL_CARD.md'}")
    return 0


def _train_version(args: argparse.Namespace, settings: Settings) -> int:
    from commentdesk.training import train_and_register

    if args.out:
        print("commentdesk: --out is for the shipped model, not --register", file=sys.stderr)
        return 2
    data = Path(args.data) if args.data else None
    labels = Path(args.labels) if args.labels else None
    if labels is not None and not labels.is_file():
        print(f"commentdesk: --labels {labels} is not a file", file=sys.stderr)
        return 2
    from commentdesk.training import LabelsFileError

    try:
        train_and_register(settings, print, data=data, labels_file=labels, note=args.note)
    except LabelsFileError as exc:
        print(f"commentdesk: {exc}", file=sys.stderr)
        return 2
    return 0


def _cmd_status(_args: argparse.Namespace, settings: Settings) -> int:
    from commentdesk.status import print_status

    return print_status(settings, print)


def _cmd_models(_args: argparse.Namespace, settings: Settings) -> int:
    from commentdesk.lifecycle import print_models

    return print_models(settings, print)


def _cmd_promote(args: argparse.Namespace, settings: Settings) -> int:
    from commentdesk.lifecycle import promote

    if args.force is not None and not args.force.strip():
        print("commentdesk: --force needs a reason, e.g. --force 'fixes the March spam wave'",
              file=sys.stderr)  # fmt: skip
        return 2
    return promote(settings, args.version, print, force_reason=args.force)


def _cmd_rollback(_args: argparse.Namespace, settings: Settings) -> int:
    from commentdesk.lifecycle import rollback

    return rollback(settings, print)


def _cmd_register(args: argparse.Namespace, settings: Settings) -> int:
    from commentdesk.lifecycle import register

    return register(settings, Path(args.path), args.id, print)


def _cmd_import_labels(args: argparse.Namespace, settings: Settings) -> int:
    from commentdesk.labels import import_labels

    recorded = import_labels(settings, Path(args.file))
    print(f"recorded {recorded} decision(s) from {args.file}")
    return 0


def _cmd_eval(args: argparse.Namespace, _settings: Settings) -> int:
    from classifier.quality_report import run_eval

    return run_eval(Path(args.data), sys.stdout, with_domain=not args.no_domain)


def _cmd_thresholds(args: argparse.Namespace, settings: Settings) -> int:
    from commentdesk.thresholds import compute_thresholds

    def err(line: str) -> None:
        print(line, file=sys.stderr)

    return compute_thresholds(
        settings, Path(args.data), args.target, print, err, version_id=args.version
    )
