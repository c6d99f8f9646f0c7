/* goname.h: what a Go function name says by itself, as the runtime prints
 * it in a frame ("k8s.io/kubelet/pleg.(*GenericPLEG).relist.func1"): its
 * package, its receiver type, whether it is a closure, its short form.
 * Plain string functions with no model and no rules, so that the parser
 * and the reports can read names without depending on the classifier. */
#ifndef STACKBLAME_GONAME_H
#define STACKBLAME_GONAME_H

#include <stdbool.h>
#include <stddef.h>

/* Whether a frame's first argument is kept per goroutine (model.h): a
 * method's receiver, or the channel of a runtime channel operation. */
bool sb_func_keeps_arg(const char *func, size_t n);
/* Whether func is one of the runtime's channel operations that print the
 * channel as their first argument exactly, in every Go version
 * (runtime.chansend, runtime.chanrecv: the inner ones, so one frame a
 * goroutine carries it). */
bool sb_func_prints_chan(const char *func, size_t n);

/* The receiver type of a method name: "pkg/path.(*T).M.func1" -> "pkg/path.(*T)".
 * Returns false for plain functions and closures of plain functions. */
bool sb_func_type(const char *func, size_t n, size_t *type_len);
/* A closure: "pkg.F.func1", "pkg.(*T).M.gowrap2". */
bool sb_func_is_closure(const char *func, size_t n);
/* The length of the function a closure is defined in: "pkg.F.func2" ->
 * "pkg.F", "pkg.F.func1.1" -> "pkg.F.func1"; 0 when func is no closure. */
size_t sb_closure_parent_len(const char *func, size_t n);
/* The length of a closure's base function: "pkg.F.func1.2" -> "pkg.F";
 * n when func is no closure. */
size_t sb_closure_base_len(const char *func, size_t n);
/* The length of a function's package: all before the first '.' after
 * the last '/' ("k8s.io/kubelet/pleg" of "k8s.io/kubelet/pleg.(*G).relist"). */
size_t sb_func_package_len(const char *func, size_t n);
/* Short form for reports: the last path element, "network.(*PluginManager).SetUpPod". */
const char *sb_func_short(const char *func, size_t n, size_t *short_len);

/* Whether a function is the runtime's own: runtime.*, Go's internal/
 * packages, and the runtime_* shims other packages call (sync.runtime_
 * SemacquireMutex, internal/poll.runtime_pollWait). Reports hide them. */
bool sb_func_is_runtime(const char *f, size_t n);

#endif
