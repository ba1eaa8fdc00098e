"""Every query and write the service makes. Functions take a Session and return domain objects."""
