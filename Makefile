# The two commands of README.md: `make run` starts the whole platform, `make test` runs every test.
.PHONY: run test venv migrate lint bench reset chaos

run: venv
	deploy/run.sh

test: venv
	deploy/test.sh

venv:
	deploy/bootstrap.sh

# Drops the local run's databases and var/ after a typed confirmation (YES=1: without asking).
reset: venv
	deploy/reset.sh $(if $(YES),--yes)

migrate: venv
	deploy/manage.sh migrate

bench: venv
	deploy/bench.sh

lint: venv
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

# The local run through outages and crashes on its own PostgreSQL and RabbitMQ; prints the ledger.
chaos: venv
	.venv/bin/python -m chaos $(CHAOS_ARGS)
