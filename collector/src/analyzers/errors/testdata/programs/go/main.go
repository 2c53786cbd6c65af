// Panics from known functions at known call sites; prints each recovered stack as
// debug.Stack() shows it (and one as the Go OTel SDK's RecordError(WithStackTrace)
// records it: runtime.Stack into a 2048-byte buffer) with the frames runtime.Callers
// reports on the same line, and the expected group. `main crash` dies with a panic.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"
)

type NotFoundError struct{ ID string }

func (e *NotFoundError) Error() string { return "user " + e.ID + " not found" }

func lookupUser(id string) { panic(&NotFoundError{ID: id}) }

func handleProfile(id string) { lookupUser(id) }

func handleCheckout(id string) { lookupUser(id) }

func walk(depth int) {
	if depth == 0 {
		panic(fmt.Errorf("depth exhausted at %d", time.Now().UnixNano()))
	}
	walk(depth - 1)
}

func parsePayload(text string) string { return strings.Split(text, ",")[5] }

func applyAll(ids []string) {
	sort.Slice(ids, func(i, j int) bool { panic(fmt.Errorf("cannot apply %s", ids[i])) })
}

type frame struct {
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int    `json:"line"`
}

type link struct {
	Type    string  `json:"type"`
	Message string  `json:"message"`
	Frames  []frame `json:"frames"`
}

type result struct {
	Group   string `json:"group"`
	Type    string `json:"type"`
	Message string `json:"message"`
	Chain   []link `json:"chain"`
	Trace   string `json:"trace"`
}

// callers lists the frames of its caller's stack, starting at the caller.
func callers() []frame {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(2, pcs)
	it := runtime.CallersFrames(pcs[:n])
	var out []frame
	for {
		f, more := it.Next()
		out = append(out, frame{Function: f.Function, File: f.File, Line: f.Line})
		if !more {
			return out
		}
	}
}

func messageOf(r interface{}) string {
	if err, ok := r.(error); ok {
		return err.Error()
	}
	return fmt.Sprint(r)
}

func runCase(group string, run func()) (res result) {
	defer func() {
		r := recover()
		stack, frames := debug.Stack(), callers()
		res = result{Group: group, Type: fmt.Sprintf("%T", r), Message: messageOf(r), Trace: string(stack)}
		res.Chain = []link{{Type: res.Type, Message: res.Message, Frames: frames}}
	}()
	run()
	return
}

// recordStackTrace is what go.opentelemetry.io/otel/sdk/trace does for WithStackTrace(true).
func recordStackTrace() string {
	stackTrace := make([]byte, 2048)
	n := runtime.Stack(stackTrace, false)
	return string(stackTrace[0:n])
}

// nest calls run n calls deep, so the recorded stack outgrows the SDK's 2048-byte buffer.
func nest(n int, run func() result) result {
	if n == 0 {
		return run()
	}
	return nest(n-1, run)
}

func loadOrder(id int) error { return fmt.Errorf("order %d not found", id) }

func handleOrder(id int) (res result) {
	if err := loadOrder(id); err != nil {
		stack, frames := recordStackTrace(), callers()
		res = result{Group: "order", Type: fmt.Sprintf("%T", err), Message: err.Error(), Trace: stack}
		res.Chain = []link{{Type: res.Type, Message: res.Message, Frames: frames}}
	}
	return
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "crash" {
		fmt.Println(`{"group":"profile","type":"panic","function":"lookupUser"}`)
		blocked := make(chan struct{})
		go func() { <-blocked }()
		handleProfile("42")
	}
	cases := []result{
		runCase("profile", func() { handleProfile("3f1c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c") }),
		runCase("profile", func() { handleProfile("1234567") }),
		runCase("checkout", func() { handleCheckout("987") }),
		runCase("checkout", func() { handleCheckout("alice@example.com") }),
		runCase("walk", func() { walk(3) }),
		runCase("walk", func() { walk(7) }),
		runCase("parse", func() { parsePayload("a,b") }),
		runCase("parse", func() { parsePayload("1,2,3") }),
		runCase("closure", func() { applyAll([]string{"x1", "y2"}) }),
		runCase("closure", func() { applyAll([]string{"z3", "w4", "v5"}) }),
		nest(40, func() result { return handleOrder(555) }),
		nest(40, func() result { return handleOrder(556) }),
	}
	out, _ := json.MarshalIndent(map[string]interface{}{"runtime": "go", "version": runtime.Version(), "cases": cases}, "", " ")
	fmt.Println(string(out))
}
