"""The public portal (云公开·云查询): pre-rendered village pages, search, posters, verification, the visitor counter."""
