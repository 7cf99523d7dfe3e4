/**
 * Permissions: the rules file ({@link io.querysub.core.perm.RuleSet}: path patterns with read and
 * write conditions, function rules with call conditions), its condition language, and the checks
 * every entry point makes. Deny is the default. Format and semantics in {@code
 * docs/permissions.md}.
 */
package io.querysub.core.perm;
