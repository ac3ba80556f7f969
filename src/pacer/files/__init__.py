"""Stored files: uploads kept in the database (a meeting's documents, a task's evidence, a
quality problem's attachments), each attached to one record and seen through that record's unit.

``service.save`` takes an upload (size limit, type judged by content, safe name, SHA-256) or
refuses it storing nothing; ``service.found`` and ``service.content`` read one back through the
visibility rule; ``responses`` turns a stored file into a download and a form's upload into bytes.
"""
