"""For bench/signin.sh: signs the user in once as a browser would and prints
shell assignments for the wrk scripts: COOKIE (the session cookie), CSRF_COOKIE
and CSRF (a CSRF cookie and its form value), NEXT (the login form's next,
form-encoded) and TOKEN (a user's access token from one code flow).
Usage: signin_session.py ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI PASSWORD"""

import html
import re
import shlex
import sys
import urllib.parse

import requests

issuer, client_id, secret, redirect, password = sys.argv[1:6]
browser = requests.Session()


def field(page, name):
    tag = re.search(r'<input[^>]*name="%s"[^>]*>' % name, page).group(0)
    return html.unescape(re.search(r'value="([^"]*)"', tag).group(1))


def absolute(location):
    return urllib.parse.urljoin(issuer + "/", location)


query = urllib.parse.urlencode({"response_type": "code", "client_id": client_id,
                                "redirect_uri": redirect, "scope": "openid email",
                                "state": "s"})
resp = browser.get(f"{issuer}/authorize?{query}", allow_redirects=False, timeout=10)
assert resp.status_code == 302, resp.text
login = browser.get(absolute(resp.headers["Location"]), timeout=10)
assert login.status_code == 200, login.text
csrf, nxt = field(login.text, "csrf_token"), field(login.text, "next")
csrf_cookie = [c for c in browser.cookies if c.name.endswith("oidcd_csrf")][0]
resp = browser.post(absolute("login"), allow_redirects=False, timeout=10,
                    data={"username": "bench", "password": password, "csrf_token": csrf,
                          "next": nxt})
assert resp.status_code == 303, resp.text
resp = browser.get(absolute(resp.headers["Location"]), allow_redirects=False, timeout=10)
assert resp.status_code == 302, resp.text
code = urllib.parse.parse_qs(urllib.parse.urlsplit(resp.headers["Location"]).query)["code"][0]
tokens = requests.post(f"{issuer}/token", auth=(client_id, secret), timeout=10, data={
    "grant_type": "authorization_code", "code": code, "redirect_uri": redirect}).json()
session = [c for c in browser.cookies if c.name.endswith("oidcd_session")][0]
out = {"COOKIE": f"{session.name}={session.value}",
       "CSRF_COOKIE": f"{csrf_cookie.name}={csrf_cookie.value}", "CSRF": csrf,
       "NEXT": urllib.parse.quote_plus(nxt), "TOKEN": tokens["access_token"]}
for key, value in out.items():
    print(f"export {key}={shlex.quote(value)}")
