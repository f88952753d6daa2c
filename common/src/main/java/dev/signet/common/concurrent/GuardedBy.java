package dev.signet.common.concurrent;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents that a field (or method) may only be used while holding the named lock: {@code "this"} for the
 * object's own monitor, or the name of a lock field. It checks nothing by itself; it tells the reader (and
 * a reviewer) which state is shared between threads and how it is kept consistent. State read by other
 * threads without a lock is {@code volatile} or an immutable snapshot instead.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface GuardedBy {
  /** The lock: {@code "this"} or a field name. */
  String value();
}
