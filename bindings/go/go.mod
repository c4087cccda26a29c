module libmsg/bindings/go

go 1.19
