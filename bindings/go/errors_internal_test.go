package msg

import (
	"errors"
	"testing"
)

// Every status maps to its own error, matching its sentinel and no other,
// with the field and message of the C error record.
func TestNewError_EachStatusMatchesOnlyItsSentinel(t *testing.T) {
	for status := range sentinels {
		err := newError(status, "body", "what went wrong")
		if err.Error() != "what went wrong" {
			t.Fatalf("status %d: message %q", status, err.Error())
		}
		for other, s := range sentinels {
			if errors.Is(err, s) != (other == status) {
				t.Fatalf("status %d: errors.Is(err, %v) = %v", status, s, !(other == status))
			}
		}
		if errors.Is(err, ErrClosed) {
			t.Fatalf("status %d matches ErrClosed", status)
		}
		var inv *InvalidError
		var e *Error
		switch {
		case status == StatusInvalid:
			if !errors.As(err, &inv) || inv.Field != "body" {
				t.Fatalf("invalid: %#v", err)
			}
		case !errors.As(err, &e) || e.Status != status || e.Field != "body":
			t.Fatalf("status %d: %#v", status, err)
		}
	}
	if len(sentinels) != 7 {
		t.Fatalf("%d sentinels, want one per failing status (7)", len(sentinels))
	}
}

func TestNewError_AnUnknownStatusIsAnErrorMatchingNoSentinel(t *testing.T) {
	err := newError(-99, "", "")
	for _, s := range sentinels {
		if errors.Is(err, s) {
			t.Fatalf("status -99 matches %v", s)
		}
	}
	if err.Error() != "msg: status -99" {
		t.Fatalf("message %q", err.Error())
	}
}
