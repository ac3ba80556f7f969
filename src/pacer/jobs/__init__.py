"""Background jobs, shared by every feature that has slow work (reports, imports, forecasts).

A feature declares a :class:`~pacer.jobs.kinds.Kind` (its name, label and the function doing the
work) in a module listed in ``kinds.DEFINITIONS``; ``service.enqueue`` queues a job of it in the
caller's transaction; a runner (:mod:`pacer.jobs.runner`, threads in the web server or ``pacer
jobs work``) claims queued jobs from the ``job`` table, runs them, commits their progress in short
transactions of their own and stores the file they produce with the job marked done in one
transaction, or marks them failed with the reason and stores nothing. The table is the record of
every job; with ``PACER_JOBS_QUEUE=procrastinate`` a queue in PostgreSQL hands each job to one
``pacer worker`` on any machine instead of the threads (:mod:`pacer.jobs.queue`), and features
queue jobs the same way either way.
"""
