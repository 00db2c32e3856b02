console.log("engine placeholder");
