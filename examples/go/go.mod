module libmsg/examples/go

go 1.19

require libmsg/bindings/go v0.0.0

// The binding lives in this repository; nothing is fetched.
replace libmsg/bindings/go => ../../bindings/go
