-- One row per greeting.created event handled; event_id is unique, so a repeat would fail loudly.
CREATE TABLE greeting_seen (greeting_id BIGINT NOT NULL, event_id VARCHAR(36) NOT NULL UNIQUE);
