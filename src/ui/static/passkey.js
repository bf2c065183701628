// Passkeys: a form with data-passkey="create" or "get" carries the WebAuthn
// options as data attributes (base64url without padding where binary). When
// its button is pressed this script asks the browser
// (navigator.credentials.create or .get), puts the answer in hidden inputs
// it adds to the form, base64url again, and submits the form; the server checks
// everything. A file, not inline script, so the pages' CSP forbids inline
// script. The forms come hidden: they show only where this script runs and
// the browser has WebAuthn; every other form of the page works without it.
(function () {
  "use strict";

  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(b64 + "===".slice((b64.length + 3) % 4));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function words(text) {
    return (text || "").split(" ").filter(function (w) { return w !== ""; });
  }

  function credentials(text) {
    return words(text).map(function (id) { return { type: "public-key", id: toBytes(id) }; });
  }

  function options(form) {
    var d = form.dataset, common = {
      challenge: toBytes(d.challenge),
      timeout: Number(d.timeoutMs),
      userVerification: d.userVerification
    };
    if (d.passkey === "get") {
      common.rpId = d.rpId;
      common.allowCredentials = credentials(d.allow);
      return { publicKey: common };
    }
    common.rp = { id: d.rpId, name: d.rpName };
    common.user = { id: toBytes(d.userId), name: d.userName, displayName: d.userDisplayName };
    common.pubKeyCredParams = words(d.algs).map(function (alg) {
      return { type: "public-key", alg: Number(alg) };
    });
    common.excludeCredentials = credentials(d.exclude);
    common.authenticatorSelection = {
      residentKey: "required",
      requireResidentKey: true,
      userVerification: d.userVerification
    };
    common.attestation = d.attestation || "none";
    delete common.userVerification;
    return { publicKey: common };
  }

  function set(form, name, value) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  function fill(form, credential) {
    var r = credential.response;
    set(form, "credential_id", toText(credential.rawId));
    set(form, "client_data", toText(r.clientDataJSON));
    if (form.dataset.passkey === "get") {
      set(form, "authenticator_data", toText(r.authenticatorData));
      set(form, "signature", toText(r.signature));
      set(form, "user_handle", r.userHandle ? toText(r.userHandle) : "");
      return;
    }
    set(form, "attestation_object", toText(r.attestationObject));
    set(form, "transports", r.getTransports ? r.getTransports().join(" ") : "");
  }

  function say(form, text) {
    var p = form.querySelector("[data-passkey-error]");
    if (!p) return;
    p.textContent = text;
    p.hidden = !text;
  }

  // What went wrong, in words a person can act on.
  function explain(error) {
    if (error && error.name === "NotAllowedError")
      return "The passkey was not used: the request was cancelled or timed out. Try again.";
    if (error && error.name === "InvalidStateError")
      return "This device already holds a passkey for your account.";
    return "Your browser could not use a passkey here" +
      (error && error.message ? " (" + error.message + ")." : ".");
  }

  function run(form, event) {
    var button = event.submitter || form.querySelector("button");
    var call = form.dataset.passkey === "get" ? "get" : "create";
    event.preventDefault();
    say(form, "");
    if (button) button.disabled = true;
    navigator.credentials[call](options(form)).then(function (credential) {
      fill(form, credential);
      form.submit();
    }, function (error) {
      if (button) button.disabled = false;
      say(form, explain(error));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.PublicKeyCredential || !navigator.credentials) return;
    var forms = document.querySelectorAll("form[data-passkey]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) { run(form, event); });
      form.hidden = false;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-passkey-unsupported]"),
      function (note) { note.hidden = true; });
  });
})();
