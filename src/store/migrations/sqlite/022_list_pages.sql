-- Clients and resources are listed a page at a time: clients oldest first,
-- (created_at, id) after the last of the page before, which this index
-- finds; resources by id, which their primary key orders.
CREATE INDEX clients_page ON clients (created_at, id);

-- A counter that changes in the same transaction as any resources row (a
-- resource's scopes change only with its row), so that a process caching
-- the resources (oauth/resource.c) reads them again only after a change.
INSERT OR IGNORE INTO meta (name, value) VALUES ('resources_version', 0);
CREATE TRIGGER resources_ins AFTER INSERT ON resources BEGIN
    UPDATE meta SET value = value + 1 WHERE name = 'resources_version';
END;
CREATE TRIGGER resources_upd AFTER UPDATE ON resources BEGIN
    UPDATE meta SET value = value + 1 WHERE name = 'resources_version';
END;
CREATE TRIGGER resources_del AFTER DELETE ON resources BEGIN
    UPDATE meta SET value = value + 1 WHERE name = 'resources_version';
END;
