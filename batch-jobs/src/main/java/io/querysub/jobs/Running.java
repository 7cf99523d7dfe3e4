package io.querysub.jobs;

/** A step's work, cursor and progress, shared by its reader, processor and writer. */
record Running(JobWork work, Cursor cursor, Progress progress) {}
