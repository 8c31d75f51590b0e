"""Signing in for tests: real users in the real store, real sign-ins through /login.

Every page, callback and API call needs a signed-in user, so the dashboard tests sign in here:
`signed_in_client(app)` (Flask test client), `signed_in_session(url, config)` (requests, against
a real server), `as_user(app)` (a request context for calling callbacks as functions) and
`browser_sign_in(driver, url, name)`.
"""
from __future__ import annotations

from contextlib import contextmanager

import requests

from dashboards.auth import store
from dashboards.auth.context import set_user
from dashboards.auth.guard import CSRF_COOKIE, CSRF_HEADER
from dashboards.auth.roles import User

PASSWORD = "correct horse battery staple"


def ensure_user(config, name: str = "ana", role: str = "analyst", vendor: str | None = None,
                password: str = PASSWORD) -> User:
    path = store.users_path(config)
    existing = store.get_user(path, name)
    if existing is not None:
        return existing
    return store.add_user(path, name, role, password, vendor)


def signed_in_client(app, name: str = "ana", role: str = "analyst", vendor: str | None = None):
    """A Flask test client with a session cookie and the CSRF header on every request."""
    from dashboards.state import current_state
    with app.server.app_context():
        config = current_state().config
    ensure_user(config, name, role, vendor)
    client = app.server.test_client()
    resp = client.post("/login", data={"name": name, "password": PASSWORD, "next": "/"})
    assert resp.status_code == 302, resp.data
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get_cookie(CSRF_COOKIE).value
    return client


def signed_in_session(base_url: str, config, name: str = "ana", role: str = "analyst",
                      vendor: str | None = None) -> requests.Session:
    ensure_user(config, name, role, vendor)
    session = requests.Session()
    resp = session.post(base_url + "/login", data={"name": name, "password": PASSWORD, "next": "/"},
                        allow_redirects=False, timeout=30)
    assert resp.status_code == 302, resp.text
    session.headers[CSRF_HEADER] = session.cookies[CSRF_COOKIE]
    return session


@contextmanager
def as_user(app, name: str = "ana", role: str = "analyst", vendor: str | None = None, path: str = "/"):
    """A request context of a signed-in user, for calling layouts and callbacks as functions."""
    with app.server.test_request_context(path):
        set_user(User(name, role, vendor))
        yield


def browser_sign_in(driver, base_url: str, name: str, password: str = PASSWORD, next_path: str = "/") -> None:
    from selenium.webdriver.common.by import By
    driver.get(base_url + "/login?next=" + next_path)
    driver.find_element(By.ID, "login-name").send_keys(name)
    driver.find_element(By.ID, "login-password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()


def signed_in_chrome(folder, config, base_url: str, name: str = "lea", role: str = "lead"):
    """The browser tests' Chromium (downloads to folder/downloads), signed in as a real user."""
    from tests.dashboard_fixtures import chrome
    (folder / "downloads").mkdir(exist_ok=True)
    driver = chrome(folder / "downloads", folder / "profile")
    ensure_user(config, name, role)
    browser_sign_in(driver, base_url, name)
    return driver
