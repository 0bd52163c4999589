"""What the internet does not see: the platform's /metrics and /readyz answer only on the
gateway's admin port (GATEWAY_ADMIN_PORT), which neither the ingress nor a published port leads
to; on the public port they are 404 like any page that does not exist.

gunicorn sets SERVER_PORT from the socket the request came in on, never from the Host header,
so a browser cannot claim the admin port."""

from flask import Flask, abort, request

ADMIN_ONLY = frozenset({"metrics", "readyz"})


def install_admin_port(app: Flask, admin_port: str) -> None:
    @app.before_request
    def _admin_routes_only_on_the_admin_port():
        if request.endpoint in ADMIN_ONLY and request.environ.get("SERVER_PORT") != admin_port:
            abort(404)
