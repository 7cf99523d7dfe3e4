/**
 * The batch jobs on Payara Micro processes of their own (short change age, fast archiving): backup,
 * restore, verify and archive-merge through {@code /api/v1/jobs}, against the local directory and
 * S3Proxy, with an S3 outage in the middle of a backup.
 */
package io.querysub.it.jobs;
