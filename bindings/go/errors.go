package msg

// The statuses of <msg/msg.h> as Go errors. A failed call returns an
// *InvalidError (MSG_ERR_INVALID, with the offending field) or an *Error
// (every other status); both match their sentinel with errors.Is, so
//
//	if errors.Is(err, msg.ErrNotFound) { ... }
//	var inv *msg.InvalidError
//	if errors.As(err, &inv) { fmt.Println(inv.Field) }

import (
	"errors"
	"fmt"
)

// Status is a libmsg status (msg_status): 0 or negative.
type Status int

// The statuses, with the values of <msg/msg.h>.
const (
	StatusOK          Status = 0
	StatusInvalid     Status = -1
	StatusNotFound    Status = -2
	StatusConflict    Status = -3
	StatusUnavailable Status = -4
	StatusNoMem       Status = -5
	StatusInternal    Status = -6
	StatusUnsupported Status = -7
)

// Sentinels for errors.Is, one per failing status.
var (
	ErrInvalid     = errors.New("msg: invalid argument")
	ErrNotFound    = errors.New("msg: not found")
	ErrConflict    = errors.New("msg: conflict")
	ErrUnavailable = errors.New("msg: unavailable")
	ErrNoMem       = errors.New("msg: out of memory")
	ErrInternal    = errors.New("msg: internal error")
	ErrUnsupported = errors.New("msg: unsupported")
	// ErrClosed is returned by every call on a closed Store.
	ErrClosed = errors.New("msg: the store is closed")
)

var sentinels = map[Status]error{
	StatusInvalid:     ErrInvalid,
	StatusNotFound:    ErrNotFound,
	StatusConflict:    ErrConflict,
	StatusUnavailable: ErrUnavailable,
	StatusNoMem:       ErrNoMem,
	StatusInternal:    ErrInternal,
	StatusUnsupported: ErrUnsupported,
}

// InvalidError is MSG_ERR_INVALID: an argument broke a rule. Field names it
// with the names of the HTTP API ("sender_number", "limit", ...).
type InvalidError struct {
	Field   string
	Message string
}

func (e *InvalidError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// Error is any other failure: the status, the field when one is at fault
// ("idempotency_key" for a conflict, "" otherwise) and libmsg's message.
type Error struct {
	Status  Status
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("msg: status %d", int(e.Status))
	}
	return e.Message
}

// Is matches the sentinel of the error's status.
func (e *Error) Is(target error) bool {
	s, ok := sentinels[e.Status]
	return ok && target == s
}

// newError is the Go error for a failed call's status and error record.
func newError(status Status, field, message string) error {
	if status == StatusInvalid {
		return &InvalidError{Field: field, Message: message}
	}
	return &Error{Status: status, Field: field, Message: message}
}
