-- Demo data: who edits and who reviews the catalogue, and the demo catalogue (demo/catalogue.json,
-- embedded in the plugin) to load at the next start.
INSERT INTO wb_roles (name, title, built_in) VALUES ('item_editor', '事项编辑', 0);
INSERT INTO wb_role_permissions (role, permission) VALUES ('item_editor', 'items.read');
INSERT INTO wb_role_permissions (role, permission) VALUES ('item_editor', 'items.edit');
INSERT INTO wb_role_permissions (role, permission) VALUES ('item_editor', 'items.base.edit');
INSERT INTO wb_role_assignments (account_id, role, org_unit_id) VALUES ('d1000000-0000-4000-8000-000000000002', 'item_editor', 'd0000000-0000-4000-8000-000000000004');
INSERT INTO wb_roles (name, title, built_in) VALUES ('item_reviewer', '事项审核', 0);
INSERT INTO wb_role_permissions (role, permission) VALUES ('item_reviewer', 'items.read');
INSERT INTO wb_role_permissions (role, permission) VALUES ('item_reviewer', 'items.review');
INSERT INTO wb_role_assignments (account_id, role, org_unit_id) VALUES ('d1000000-0000-4000-8000-000000000003', 'item_reviewer', 'd0000000-0000-4000-8000-000000000004');
INSERT INTO items_demo_pending (id) VALUES (1);
