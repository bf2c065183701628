// The check-session page of OpenID Connect Session Management 1.0 (§3.3).
// A relying party frames it and posts "client_id session_state"; the answer,
// posted back to that window and origin only, is "unchanged" while the
// session_state still matches the browser-state cookie, "changed" when it
// does not (another login, a logout), and "error" for a message that cannot
// be one. A file, not inline script, so the page's CSP forbids inline script.
(function () {
  "use strict";

  var MAX_MESSAGE = 4096;
  var STATE = /^([0-9a-f]{64})\.([0-9a-f]{1,128})$/;
  var cookieName = document.documentElement.getAttribute("data-cookie");

  // The browser state, or "" when the cookie is gone (signed out).
  function browserState() {
    var pairs = document.cookie.split(";");
    for (var i = 0; i < pairs.length; i++) {
      var pair = pairs[i].trim();
      var eq = pair.indexOf("=");
      if (eq > 0 && pair.slice(0, eq) === cookieName) return pair.slice(eq + 1);
    }
    return "";
  }

  function hex(buffer) {
    var bytes = new Uint8Array(buffer), out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  // The client_id is everything before the last space: it may hold spaces.
  function parse(data) {
    if (typeof data !== "string" || data.length > MAX_MESSAGE) return null;
    var space = data.lastIndexOf(" ");
    if (space <= 0) return null;
    var state = STATE.exec(data.slice(space + 1));
    if (!state) return null;
    return { clientId: data.slice(0, space), hash: state[1], salt: state[2] };
  }

  function check(message, origin, state) {
    var text = message.clientId + " " + origin + " " + state + " " + message.salt;
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (digest) {
      return hex(digest) === message.hash ? "unchanged" : "changed";
    });
  }

  window.addEventListener("message", function (event) {
    // an opaque origin ("null") cannot be answered to that origin alone
    if (!event.source || event.origin === "null") return;
    var reply = function (answer) { event.source.postMessage(answer, event.origin); };
    var message = parse(event.data);
    if (!message || !window.crypto || !crypto.subtle) return reply("error");
    var state = browserState();
    // signed out is "changed", but only after the same digest a signed-in
    // browser computes: an answer that came sooner would tell any page that
    // frames this one whether its visitor is signed in here
    check(message, event.origin, state).then(function (answer) {
      reply(state ? answer : "changed");
    }, function () { reply("error"); });
  });
})();
