"""Books and letters: context builders and Jinja rendering of Buku 1 (`buku_1`), Buku 2 (`buku_2`), the Tahap II
books (`tahap_2_books`) and the per-OPD feedback letters (`feedback`)."""
