"""The local run's supervisord configuration, written from deploy/Procfile at each `make run`.

supervisord restarts a process that exits and logs the exit while the others keep running, as
Kubernetes does in production. A process that dies again within START_SECONDS waits one second
longer before each new try (supervisord's backoff), so a crash loop does not spin the CPU.
"""

import shlex
from collections.abc import Mapping
from pathlib import Path

from manifests.model import ROOT, Process, assignments

GROUP = "rf"
START_SECONDS = 2
# Backoff grows by one second a try: 100 tries wait about 80 minutes in all before giving up.
START_RETRIES = 100
STOP_WAIT_SECONDS = 15  # above gunicorn's graceful_timeout (10 s)
LISTENER = ROOT / "deploy" / "log_listener.py"


def bash_command(process: Process) -> str:
    """The Procfile line under bash (it expands $VARS and ${VAR:-default}); exec, so the
    supervised pid is the process itself and a SIGKILL of it is seen as its exit."""
    rest = process.command.split(None, len(assignments(process.command)))[-1]
    exports = "".join(f"export {name}={value}; " for name, value in assignments(process.command))
    return shlex.join(["/bin/bash", "-c", f"{exports}exec {rest}"]).replace("%", "%%")


def replicas(process: Process, environ: Mapping[str, str]) -> int:
    return int(environ.get(process.replicas_variable) or 1) if process.kind == "worker" else 1


def program(process: Process, count: int) -> str:
    name = "%(program_name)s" if count == 1 else "%(program_name)s.%(process_num)d"
    return f"""
[program:{process.name}]
command={bash_command(process)}
directory={ROOT}
numprocs={count}
process_name={name}
autorestart=true
startsecs={START_SECONDS}
startretries={START_RETRIES}
stopasgroup=true
killasgroup=true
stopwaitsecs={STOP_WAIT_SECONDS}
redirect_stderr=true
stdout_logfile=NONE
stdout_events_enabled=true
"""


def render(processes: list[Process], environ: Mapping[str, str], var_dir: Path) -> str:
    """One group, so that Ctrl-C stops every process at once rather than one after another;
    the log listener starts first and stops last, so no line is lost."""
    programs = "".join(program(p, replicas(p, environ)) for p in processes)
    return f"""; Written by deploy/supervise.py from deploy/Procfile at each `make run`: edit those.
[supervisord]
nodaemon=true
logfile={var_dir}/supervisord.log
logfile_maxbytes=10MB
logfile_backups=1
pidfile={var_dir}/supervisord.pid
childlogdir={var_dir}

[unix_http_server]
file={var_dir}/supervisor.sock
chmod=0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{var_dir}/supervisor.sock

[eventlistener:log]
command={shlex.join([str(ROOT / ".venv" / "bin" / "python"), str(LISTENER)])}
events=PROCESS_LOG
buffer_size=10000
priority=1
autorestart=true
stdout_logfile=NONE
stderr_logfile=/dev/stdout
stderr_logfile_maxbytes=0

[group:{GROUP}]
programs={",".join(p.name for p in processes)}
priority=100
{programs}"""
