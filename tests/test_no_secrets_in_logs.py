"""Runs the portal's flows against the platform under gunicorn and searches every process's log
for the passwords, session ids and link tokens it used (ASVS 7.1: nothing secret in logs)."""

import re
from urllib.parse import parse_qs, urlparse

import requests

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    def __init__(self, platform):
        self.platform = platform
        self.http = requests.Session()

    def get(self, path):
        return self.http.get(self.platform.url(path), timeout=10)

    def post(self, path, data, form_page=None):
        token = _CSRF.search(self.get(form_page or path).text).group(1)
        return self.http.post(
            self.platform.url(path),
            data={**data, "csrf_token": token},
            timeout=10,
            allow_redirects=False,
        )


def _token(link):
    return parse_qs(urlparse(link).query)["t"][0]


def test_flows_leave_no_password_session_or_token_in_any_log(platform):
    used = [
        "demo-resultat-finans",
        "wrong password, secret too",
        "lars hemliga lösenfras",
        "lars nya hemliga fras",
        "lars felgissade fras",
        "lars tredje hemliga fras",
    ]
    kaisa = Browser(platform)
    kaisa.post("/logga-in", {"identifier": "900232", "password": used[1]})
    kaisa.post("/logga-in", {"identifier": "900232", "password": used[0]})
    used.append(kaisa.http.cookies["rf_session"])
    kaisa.post(
        "/organisation/inbjudan", {"name": "Lars", "email": "lars@jlmdata.se"}, "/organisation"
    )
    invite = platform.mail.links(platform.mail.wait_for("lars@jlmdata.se"))[0]
    used.append(_token(invite))
    lars = Browser(platform)
    lars.post(
        "/inbjudan",
        {"t": _token(invite), "password": used[2]},
        urlparse(invite).path + "?t=" + _token(invite),
    )
    lars.post("/glomt-losenord", {"identifier": "lars@jlmdata.se"})
    reset = [
        link
        for m in platform.mail.to("lars@jlmdata.se")
        for link in platform.mail.links(m)
        if "aterstall" in link
    ]
    if not reset:
        reset = platform.mail.links(platform.mail.wait_for("lars@jlmdata.se", 2))
    used.append(_token(reset[0]))
    lars.post(
        "/aterstall-losenord",
        {"t": _token(reset[0]), "password": used[3]},
        "/aterstall-losenord?t=" + _token(reset[0]),
    )
    assert (
        lars.post("/logga-in", {"identifier": "lars@jlmdata.se", "password": used[3]}).status_code
        == 302
    )
    used.append(lars.http.cookies["rf_session"])
    konto = "/resultat-finans/installningar?flik=konto"
    for current in (used[4], used[3]):  # a wrong guess, then the right current password
        form = {"current_password": current, "new_password": used[5]}
        lars.post(
            "/resultat-finans/installningar/losenord",
            {**form, "new_password_repeat": used[5]},
            konto,
        )
    assert lars.get(konto).status_code == 200
    used.append(lars.http.cookies["rf_session"])  # the session's new id after the change
    kaisa.post("/logga-ut", {}, "/")

    logs = platform.logs()
    assert "logged in" in logs and "password changed" in logs  # the logs were captured at all
    for secret in used:
        assert secret not in logs, "a secret reached the logs"
