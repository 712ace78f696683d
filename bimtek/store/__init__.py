"""Storage layer: local folder or S3 locations (`storage`) and run publishing with a manifest (`package`). Imports only core."""
