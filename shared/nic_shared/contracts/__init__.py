"""HTTP contracts one service serves and another reads (events live in `nic_shared.events`)."""
