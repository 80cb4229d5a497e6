-- Whether an implementation's version is tagged "全程网办", beside its fields, so the list in force
-- on a day is read without parsing every version's fields.
ALTER TABLE items_versions ADD COLUMN fully_online INTEGER NOT NULL DEFAULT 0;
UPDATE items_versions SET fully_online = 1
 WHERE kind = 'implementation' AND (fields::json -> 'online' ->> 'fully_online') = 'true';
