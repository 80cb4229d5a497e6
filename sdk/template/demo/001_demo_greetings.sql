INSERT INTO greetings (name) VALUES ('张三');
INSERT INTO greetings (name) VALUES ('李四');
