"""marshmallow schemas of the JSON API: they live only at the web edge. Input schemas refuse
unknown fields (`unknown=RAISE`, marshmallow's default, set explicitly); answer schemas state the
documented field names (README, "JSON output")."""
