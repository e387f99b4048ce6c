package io.github.flinkkafkaavg.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a type that is the library's public API: use it, and expect it to stay, in its package and shape, from one
 * release to the next. Until release 1.0 it may still change in a minor release, and every such change is named in
 * the release notes with what to write instead. Every public type of the library outside an {@code internal}
 * package carries this or {@link Internal}; the architecture test enforces it.
 */
@PublicEvolving
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface PublicEvolving {}
