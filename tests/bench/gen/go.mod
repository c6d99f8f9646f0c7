module stackblame.example/benchgen

go 1.19
