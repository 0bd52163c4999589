# The two commands of README.md: `make run` starts the whole platform, `make test` runs every test.
.PHONY: run test venv migrate lint bench chaos

run: venv
	deploy/run.sh

test: venv
	deploy/test.sh

venv:
	deploy/bootstrap.sh

migrate: venv
	deploy/manage.sh migrate

lint: venv
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

# The local run through outages and crashes on its own PostgreSQL and RabbitMQ; prints the ledger.
chaos: venv
	.venv/bin/python -m chaos $(CHAOS_ARGS)
