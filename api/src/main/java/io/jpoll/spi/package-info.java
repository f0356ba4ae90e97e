/**
 * The contract between jpoll's API and a backend: what a new OS mechanism implements.
 *
 * <p>A {@link io.jpoll.spi.Backend} is found through {@link java.util.ServiceLoader} and says
 * whether it runs here; it opens one {@link io.jpoll.spi.Selector} per Poll. The API has checked
 * every argument and tracks which threads are inside the selector, so a selector only talks to the
 * OS: it registers handles, waits, decodes the OS's records straight into an
 * {@link io.jpoll.spi.EventSink} (two primitive arrays, no object per event), makes
 * {@link io.jpoll.spi.WakerHandle}s, and wakes every poller once at close. {@link io.jpoll.spi.BufferPool}
 * lends native buffers to concurrent pollers without allocation; {@link io.jpoll.spi.Platform}
 * names the OS and architecture for messages and choices.
 */
package io.jpoll.spi;
