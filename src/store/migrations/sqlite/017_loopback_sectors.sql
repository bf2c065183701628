-- A pairwise client whose redirect URIs are all on loopback hosts (RFC 8252
-- native apps) has its own id as its sector, not the loopback host every
-- native app shares: the sector stored for such a client is cleared (a
-- sector taken from a sector_identifier_uri stays). ::1 and 127.0.0.0/8 as
-- url_host_is_loopback tells them.
UPDATE clients SET sector = NULL
 WHERE sector_identifier_uri IS NULL
   AND (sector IN ('localhost', '::1')
        OR (sector GLOB '127.[0-9]*.[0-9]*.[0-9]*' AND sector NOT GLOB '*[^0-9.]*'));
