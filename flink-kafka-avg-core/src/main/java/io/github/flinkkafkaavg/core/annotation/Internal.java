package io.github.flinkkafkaavg.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public type, method or constructor that is not API: it is public only because another package of the
 * library uses it (a serializer Flink instantiates by reflection, a helper two packages share, the operator behind a
 * DataStream builder), and it may change or disappear in any release. Types in {@code internal} packages are internal without it; this marks the few that cannot live there.
 */
@PublicEvolving
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface Internal {}
