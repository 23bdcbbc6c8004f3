"""The schema every replay runs against: keys, an index, a view, a comment."""

SCHEMA = [
    "DROP VIEW IF EXISTS rp_active", "DROP TABLE IF EXISTS rp_emp", "DROP TABLE IF EXISTS rp_dept",
    "CREATE TABLE rp_dept (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE)",
    "CREATE TABLE rp_emp (id SERIAL PRIMARY KEY, name TEXT NOT NULL, dept_id INTEGER REFERENCES rp_dept (id), "
    "salary NUMERIC(10,2) DEFAULT 1000.00)",
    "CREATE INDEX rp_emp_name_idx ON rp_emp (name)",
    "CREATE VIEW rp_active AS SELECT id, name FROM rp_emp",
    "COMMENT ON TABLE rp_emp IS 'employees'",
]
