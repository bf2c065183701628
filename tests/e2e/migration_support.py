"""Undoing schema migrations, so that a test can replay them on a database
prepared as an older version left it."""

# What each migration made that a replay would make again, in the order it is
# undone (migrations without an entry only change rows).
UNDO = {
    23: ["ALTER TABLE sessions DROP COLUMN browser"],
    22: ["DROP TRIGGER resources_del",
         "DROP TRIGGER resources_upd",
         "DROP TRIGGER resources_ins",
         "DROP INDEX clients_page"],
    21: ["ALTER TABLE tokens DROP COLUMN amr",
         "ALTER TABLE tokens DROP COLUMN auth_time"],
    20: ["DROP TABLE webauthn_challenges",
         "DROP TABLE passkeys"],
    19: ["ALTER TABLE refresh_tokens DROP COLUMN amr",
         "DROP INDEX sessions_user_sub_created",
         "ALTER TABLE sessions DROP COLUMN address",
         "DROP TABLE signin_pending",
         "DROP TABLE recovery_codes",
         "DROP TABLE totp_factors",
         "ALTER TABLE clients DROP COLUMN require_mfa"],
    18: ["ALTER TABLE auth_codes DROP COLUMN claims_userinfo",
         "ALTER TABLE auth_codes DROP COLUMN claims_id_token",
         "ALTER TABLE refresh_tokens DROP COLUMN claims_userinfo",
         "ALTER TABLE refresh_tokens DROP COLUMN claims_id_token",
         "ALTER TABLE tokens DROP COLUMN claims_userinfo",
         "ALTER TABLE consents DROP COLUMN claims"],
    16: ["ALTER TABLE clients DROP COLUMN id_token_alg",
         "ALTER TABLE clients DROP COLUMN secret_sealed"],
    15: ["DROP TABLE server_secrets",
         "ALTER TABLE clients DROP COLUMN subject_type",
         "ALTER TABLE clients DROP COLUMN sector_identifier_uri",
         "ALTER TABLE clients DROP COLUMN sector"],
    13: ["ALTER TABLE auth_codes DROP COLUMN front_at_jti",
         "ALTER TABLE auth_codes DROP COLUMN front_at_expires_at"],
    12: ["DROP TRIGGER users_disabled_sessions_end",
         "DROP TRIGGER sessions_backchannel_logout",
         "DROP TRIGGER auth_codes_session_client",
         "DROP TABLE backchannel_logouts",
         "DROP TABLE session_clients",
         "ALTER TABLE clients DROP COLUMN backchannel_logout_uri",
         "ALTER TABLE clients DROP COLUMN backchannel_logout_session_required"],
    11: ["ALTER TABLE refresh_tokens DROP COLUMN family_issued_at"],
    9: ["ALTER TABLE auth_codes DROP COLUMN resource",
        "ALTER TABLE refresh_tokens DROP COLUMN resource"],
    8: ["ALTER TABLE refresh_tokens DROP COLUMN used_at",
        "ALTER TABLE refresh_tokens DROP COLUMN at_jti",
        "ALTER TABLE refresh_tokens DROP COLUMN at_expires_at",
        "ALTER TABLE auth_codes DROP COLUMN rt_family"],
    7: ["ALTER TABLE tokens DROP COLUMN audience"],
    4: ["DROP TABLE users",
        "ALTER TABLE clients DROP COLUMN require_consent",
        "ALTER TABLE clients DROP COLUMN reuse_consent"],
}


def undo_migrations_from(db, version):
    """Within db's open transaction: undoes migration version and every later
    one, newest first, and forgets them, so that the next start (or `migrate`)
    runs them again."""
    for v in sorted(UNDO, reverse=True):
        if v >= version:
            for sql in UNDO[v]:
                db.execute(sql)
    db.execute("DELETE FROM schema_version WHERE version >= ?", (version,))
