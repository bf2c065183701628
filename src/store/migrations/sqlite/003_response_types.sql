-- Clients made without --response-types used to get "code" whatever their
-- grant types. The default now follows the grant types (none without
-- authorization_code), and a client's types must agree: clear the old
-- default where nothing could ever use it.
UPDATE clients SET response_types = ''
 WHERE response_types = 'code'
   AND ' ' || grant_types || ' ' NOT LIKE '% authorization_code %';
