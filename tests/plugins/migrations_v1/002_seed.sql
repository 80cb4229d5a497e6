INSERT INTO migrating_rows (id, label) VALUES (1, 'one');
INSERT INTO migrating_rows (id, label) VALUES (2, 'two');
