"""Who may connect: pg_hba rules, the password exchanges, TLS."""
