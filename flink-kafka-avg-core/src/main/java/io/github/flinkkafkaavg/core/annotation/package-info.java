/**
 * The annotations that declare what of the library is API: {@link io.github.flinkkafkaavg.core.annotation.PublicEvolving}
 * and {@link io.github.flinkkafkaavg.core.annotation.Internal}. Types in packages named {@code internal} are not API
 * and must not be used from outside their module.
 */
package io.github.flinkkafkaavg.core.annotation;
