-- Pages of clients and resources, as SQLite's migration 022: clients oldest
-- first, then by id compared bytewise (COLLATE "C", SQLite's BINARY,
-- whatever the database's collation); resources by id, bytewise. The
-- insertion-order index the whole-table list used goes.
DROP INDEX clients_created_at;
CREATE INDEX clients_page ON clients (created_at, id COLLATE "C");
CREATE INDEX resources_page ON resources (id COLLATE "C");

INSERT INTO meta (name, value) VALUES ('resources_version', 0);
CREATE TRIGGER resources_version AFTER INSERT OR UPDATE OR DELETE ON resources
    FOR EACH ROW EXECUTE FUNCTION meta_bump('resources_version');
